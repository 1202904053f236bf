using System.Reflection;
using System.Text.RegularExpressions;
using AudioMix.Platform.Tests.Infrastructure;
using AudioMix.Silo;
using AudioMix.Storage.Hosting;

namespace AudioMix.Platform.Tests;

/// <summary>
/// docker-compose.yml cannot be run here (no Docker engine), so check what can be checked: every
/// <c>AudioMix__Section__Key</c> it sets is a property of an options class bound from that section,
/// and enum settings hold a value of that enum.
/// </summary>
[Collection(nameof(ComposeFileTests))]
public sealed partial class ComposeFileTests
{
    [Fact]
    public void Every_AudioMix_variable_in_docker_compose_names_a_real_setting_with_a_valid_value()
    {
        // The web host's options types are internal and its assembly pulls in ASP.NET: load it into an
        // isolated, collectible context so Orleans' assembly scan in the other tests of this process never sees it.
        // Orleans also walks AppDomain.GetAssemblies(), so the context is unloaded and collected before
        // this test ends, and the test runs alone (its collection disables parallelization).
        var unloaded = CheckInIsolatedContext();
        for (var i = 0; i < 20 && unloaded.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(unloaded.IsAlive, "the web assembly's load context could not be unloaded");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference CheckInIsolatedContext()
    {
        var context = new WebAssemblyContext(TestPaths.WebDll);
        try
        {
            Check(context.LoadFromAssemblyPath(TestPaths.WebDll));
        }
        finally
        {
            context.Unload();
        }

        return new WeakReference(context);
    }

    private sealed class WebAssemblyContext(string webDll) : System.Runtime.Loader.AssemblyLoadContext(isCollectible: true)
    {
        private readonly System.Runtime.Loader.AssemblyDependencyResolver _resolver = new(webDll);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    private static void Check(Assembly web)
    {
        var sections = new (string Section, Type Type)[]
        {
            (BlobStoreOptions.SectionName, typeof(BlobStoreOptions)),
            (SiloOptions.Section, typeof(SiloOptions)),
            (ClusteringOptions.Section, typeof(ClusteringOptions)),
            ("AudioMix:Silo", WebType(web, "AudioMix.Web.Hosting.SiloOptions")),
            ("AudioMix:Web", WebType(web, "AudioMix.Web.Hosting.AudioMixWebOptions")),
            ("AudioMix:Hosting", WebType(web, "AudioMix.Web.Hosting.PlatformHostingOptions")),
            ("AudioMix:Clustering", WebType(web, "AudioMix.Web.Hosting.PlatformClusteringOptions")),
        };
        var compose = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docker-compose.yml"));
        var settings = Setting().Matches(compose).Select(m => (Key: m.Groups["key"].Value, Value: m.Groups["value"].Value.Trim().Trim('"'))).ToList();
        Assert.True(settings.Count >= 12, $"expected the compose file's AudioMix settings, found {settings.Count}");

        var problems = new List<string>();
        foreach (var (key, value) in settings)
        {
            var parts = key.Split("__");
            var section = string.Join(':', parts[..^1]);
            var property = parts[^1];
            var matches = sections.Where(s => s.Section == section)
                .Select(s => s.Type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance))
                .Where(p => p is not null).ToList();
            if (matches.Count == 0)
            {
                problems.Add($"{key}: no options class bound from {section} has a property {property}");
                continue;
            }

            foreach (var p in matches.Where(p => p!.PropertyType.IsEnum))
            {
                if (!Enum.TryParse(p!.PropertyType, value, ignoreCase: true, out _))
                {
                    problems.Add($"{key}: \"{value}\" is not one of {string.Join(", ", Enum.GetNames(p.PropertyType))}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        // The shape the file promises: the web host is a client of Redis-clustered silos over Azurite.
        Assert.Contains(settings, s => s is { Key: "AudioMix__Hosting__Mode", Value: "Client" });
        Assert.Contains(settings, s => s is { Key: "AudioMix__Clustering__Provider", Value: "Redis" });
        Assert.Contains(settings, s => s is { Key: "AudioMix__Storage__Provider", Value: "AzureBlob" });
    }

    private static Type WebType(Assembly web, string name) =>
        web.GetType(name, throwOnError: false) ?? throw new InvalidOperationException($"{name} is not in {web.Location}");

    [GeneratedRegex(@"^\s+(?<key>AudioMix__[A-Za-z0-9_]+):\s*(?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex Setting();
}

/// <summary>Runs <see cref="ComposeFileTests"/> with no other test class in parallel.</summary>
[CollectionDefinition(nameof(ComposeFileTests), DisableParallelization = true)]
public sealed class ComposeFileTestsGroup;
