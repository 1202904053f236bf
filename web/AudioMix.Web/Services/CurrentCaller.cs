using AudioMix.Web.Security;
using Microsoft.AspNetCore.Components.Authorization;

namespace AudioMix.Web.Services;

/// <summary>Who is using the dashboard (the circuit's signed-in caller); components ask it what to show, services whose data to touch.</summary>
internal interface ICurrentCaller
{
    Task<Caller> GetAsync();
}

/// <summary>The caller of a Blazor circuit: the principal its connection was authenticated as (cookie, or the local user in mode None).</summary>
internal sealed class CircuitCaller(AuthenticationStateProvider authentication) : ICurrentCaller
{
    public async Task<Caller> GetAsync() =>
        Caller.FromPrincipal((await authentication.GetAuthenticationStateAsync()).User)
        ?? throw new UnauthorizedAccessException("The dashboard session is not signed in.");
}
