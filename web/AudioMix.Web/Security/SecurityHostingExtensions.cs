using System.Globalization;
using System.Threading.RateLimiting;
using AudioMix.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AudioMix.Web.Security;

/// <summary>Authentication (API keys, the dashboard's cookie), authorisation, ownership, rate limits and the loopback rule.</summary>
internal static class SecurityHostingExtensions
{
    /// <summary>The default scheme: picks the key handler or the dashboard cookie per request.</summary>
    public const string SchemeName = "AudioMix";

    /// <summary>Rate-limit policy of upload requests (per key).</summary>
    public const string UploadsPolicy = "uploads";

    /// <summary>Rate-limit policy of job submissions (per key).</summary>
    public const string JobsPolicy = "job-submissions";

    public static IHostApplicationBuilder AddAudioMixSecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JobQuotaOptions>().BindConfiguration(JobQuotaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ApiKeyStore>();
        services.AddHostedService<LoopbackGuard>();

        services.AddAuthentication(SchemeName)
            .AddPolicyScheme(SchemeName, "API key or dashboard session", o => o.ForwardDefaultSelector = context =>
                context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.Mode == AuthMode.None || ApiKeyAuthenticationHandler.HasKey(context.Request)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : DashboardCookie.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(DashboardCookie.SchemeName, DashboardCookie.Configure);
        services.AddAuthorization(AccessPolicies.Add);
        services.AddAntiforgery(o => o.HeaderName = CookieAntiforgeryMiddleware.HeaderName);

        // One key ring for every web host, in the platform's store, so sessions survive restarts and load balancing.
        services.AddDataProtection().SetApplicationName("AudioMix");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new BlobXmlRepository(sp.GetRequiredService<IBlobStore>())));

        services.AddRateLimiter(o =>
        {
            o.OnRejected = OnRejectedAsync;
            o.AddPolicy(UploadsPolicy, context => PerKey(context, a => a.UploadsPerMinute));
            o.AddPolicy(JobsPolicy, context => PerKey(context, a => a.JobSubmissionsPerMinute));
        });
        return builder;
    }

    /// <summary>Authentication, authorisation, rate limits, cookie antiforgery and ownership, in that order (after routing).</summary>
    public static WebApplication UseAudioMixSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<CookieAntiforgeryMiddleware>();
        app.UseMiddleware<OwnershipMiddleware>();
        return app;
    }

    // Per key, a fixed one-minute window; auth mode None (one local user) is not limited.
    private static RateLimitPartition<string> PerKey(HttpContext context, Func<AuthOptions, int> permits)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (options.Mode == AuthMode.None || Caller.FromPrincipal(context.User) is not { } caller)
        {
            return RateLimitPartition.GetNoLimiter("unlimited");
        }

        var limit = permits(options);
        return RateLimitPartition.GetFixedWindowLimiter(caller.KeyId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var what = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == UploadsPolicy
            ? "uploads (AudioMix:Auth:UploadsPerMinute)"
            : "job submissions (AudioMix:Auth:JobSubmissionsPerMinute)";
        await AuthProblems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"This key has used its allowance of {what}; retry in {seconds} s.",
            new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds });
    }
}
