using AudioMix.Web.Apis;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<Services.DatasetUploadService>();
        builder.Services.ConfigureHttpJsonOptions(o =>
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        return builder;
    }

    public static WebApplication MapAudioMixWeb(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapGet("/", () => TypedResults.Redirect("/scalar")).ExcludeFromDescription();
        app.MapAudioApi();
        app.MapDatasetsApi();
        app.MapJobsApi();
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
            Console.WriteLine($"AudioMix is running at {address}  (API reference: {address.TrimEnd('/')}/scalar)");
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "AudioMix web host listening on {Address}")]
    private static partial void LogListening(ILogger logger, string address);
}
