using System.Text.Json;
using System.Text.Json.Serialization;

namespace AudioMix.Web.Hosting;

/// <summary>How the API reads and writes JSON (the minimal APIs' options; also what the fuzzing harness parses requests with).</summary>
internal static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        // A misspelt field ("seeds", "dataset_id") must not silently fall back to a default: it is refused by name.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    }

    /// <summary>A fresh copy of the API's options (web defaults plus <see cref="Configure"/>).</summary>
    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }
}
