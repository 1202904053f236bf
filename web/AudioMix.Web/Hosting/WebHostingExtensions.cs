using AudioMix.Web.Apis;
using AudioMix.Web.Components;
using AudioMix.Web.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace AudioMix.Web.Hosting;

/// <summary>The web host's composition root: services in <see cref="AddAudioMixWeb"/>, endpoints in <see cref="MapAudioMixWeb"/>.</summary>
internal static partial class WebHostingExtensions
{
    public static IHostApplicationBuilder AddAudioMixWeb(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AudioMixWebOptions>()
            .BindConfiguration(AudioMixWebOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.AddAudioMixPlatform();
        builder.AddAudioMixSecurity();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClusterUnavailableHandler>();
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        // Bad bodies throw (instead of an empty 400) so BadRequestHandler can say what was wrong with them.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<Services.DatasetUploadService>();
        builder.Services.AddSingleton<Services.JobSubmissions>();

        // The dashboard: MudBlazor components rendered interactively on the server, over small UI
        // services (not Orleans directly) so component tests can swap in fakes.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        if (builder is WebApplicationBuilder web)
        {
            // Run from a build output (not a publish) the package assets (MudBlazor's css/js, blazor.web.js)
            // are only found through the static web assets manifest, which ASP.NET reads by default only in
            // Development. Without a manifest (published app) this does nothing.
            web.WebHost.UseStaticWebAssets();
        }


        builder.Services.AddMudServices();
        builder.Services.AddScoped<Services.IDatasetService, Services.GrainDatasetService>();
        builder.Services.AddScoped<Services.IJobService, Services.GrainJobService>();
        builder.Services.AddScoped<Services.ICurrentCaller, Services.CircuitCaller>();
        builder.Services.AddScoped<Services.IModelService, Services.GrainModelService>();
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        return builder;
    }

    public static WebApplication MapAudioMixWeb(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAudioMixSecurity();
        app.UseAntiforgery();
        app.UseJsonBodyLimit();
        // Public: static files, the API's description, health probes and sign-in. Everything else needs a caller
        // (the fallback policy), so endpoints added later are protected without saying so.
        app.MapStaticAssets().AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference().AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapKeysApi();
        app.MapHealthApi();
        app.MapOperationsApi();
        app.MapModelsApi();
        app.MapAudioApi();
        app.MapDatasetsApi();
        app.MapJobsApi();
        // "/" is the dashboard (the datasets page); the API reference stays at /scalar.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.Lifetime.ApplicationStarted.Register(() => AnnounceAddresses(app));
        return app;
    }

    // The README's run command promises a URL on the console; print it plainly once Kestrel is bound.
    private static void AnnounceAddresses(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null)
        {
            return;
        }

        foreach (var address in addresses)
        {
            LogListening(app.Logger, address);
            Console.WriteLine($"AudioMix is running at {address}  (dashboard; API reference: {address.TrimEnd('/')}/scalar)");
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "AudioMix web host listening on {Address}")]
    private static partial void LogListening(ILogger logger, string address);
}
