using System.Reflection;
using System.Text.RegularExpressions;
using AudioMix.Platform.Tests.Infrastructure;
using AudioMix.Silo;
using AudioMix.Storage.Hosting;

namespace AudioMix.Platform.Tests;

/// <summary>
/// docker-compose.yml and infra/k8s cannot be run here (no Docker engine, no Kubernetes), so check what can be
/// checked: every <c>AudioMix__Section__Key</c> they (and infra/cluster/up, which runs the same topology as local
/// processes) set is a property of an options class bound from that section, and enum settings hold a value of
/// that enum. The three describe one topology and must stay in step with the options.
/// </summary>
[Collection(nameof(ComposeFileTests))]
public sealed partial class ComposeFileTests
{
    [Fact]
    public void Every_AudioMix_variable_in_docker_compose_k8s_and_cluster_up_names_a_real_setting_with_a_valid_value()
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
            (SiloHostingOptions.Section, typeof(SiloHostingOptions)),
            ("AudioMix:Silo", WebType(web, "AudioMix.Web.Hosting.SiloOptions")),
            ("AudioMix:Web", WebType(web, "AudioMix.Web.Hosting.AudioMixWebOptions")),
            ("AudioMix:Hosting", WebType(web, "AudioMix.Web.Hosting.PlatformHostingOptions")),
            ("AudioMix:Clustering", WebType(web, "AudioMix.Web.Hosting.PlatformClusteringOptions")),
            ("AudioMix:Auth", WebType(web, "AudioMix.Web.Security.AuthOptions")),
        };
        var problems = new List<string>();

        var compose = Settings("docker-compose.yml", Read("docker-compose.yml"), YamlSetting());
        Assert.True(compose.Count >= 12, $"expected the compose file's AudioMix settings, found {compose.Count}");
        problems.AddRange(Problems(compose, sections));
        // The shape the file promises: the web host is a client of Redis-clustered silos over Azurite.
        Assert.Contains(compose, s => s is { Key: "AudioMix__Hosting__Mode", Value: "Client" });
        Assert.Contains(compose, s => s is { Key: "AudioMix__Clustering__Provider", Value: "Redis" });
        Assert.Contains(compose, s => s is { Key: "AudioMix__Storage__Provider", Value: "AzureBlob" });

        // ConfigMap/Secret data (KEY: value) and container env (- name: KEY / value: ...).
        var manifests = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "infra", "k8s"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(manifests);
        var k8s = manifests.SelectMany(path =>
        {
            var text = File.ReadAllText(path);
            var name = Path.GetRelativePath(TestPaths.RepositoryRoot, path);
            return Settings(name, text, YamlSetting()).Concat(Settings(name, text, K8sEnvSetting()));
        }).ToList();
        problems.AddRange(Problems(k8s, sections));
        Assert.Contains(k8s, s => s is { Key: "AudioMix__Hosting__Mode", Value: "Client" });
        Assert.Contains(k8s, s => s is { Key: "AudioMix__Hosting__Kubernetes", Value: "true" });
        Assert.Contains(k8s, s => s is { Key: "AudioMix__Clustering__Provider", Value: "Redis" });
        Assert.Contains(k8s, s => s is { Key: "AudioMix__Storage__Provider", Value: "AzureBlob" });
        Assert.Contains(k8s, s => s.Key == "AudioMix__Storage__ConnectionString");

        // infra/cluster/up sets them as NAME=value words (values may hold the shell's port variables).
        var up = Settings("infra/cluster/up", Read("infra/cluster/up"), ShellSetting());
        problems.AddRange(Problems(up, sections));
        Assert.Contains(up, s => s is { Key: "AudioMix__Hosting__Mode", Value: "Client" });
        Assert.Contains(up, s => s is { Key: "AudioMix__Clustering__Provider", Value: "Redis" });
        Assert.Contains(up, s => s is { Key: "AudioMix__Storage__Provider", Value: "AzureBlob" });
        Assert.Contains(up, s => s.Key == "AudioMix__Silo__Name");

        // Whatever the compose file configures, the other two configure as well (values differ by design), except:
        // Kubernetes names each silo after its pod, and up leaves the upload cap at appsettings.json's (same) value;
        // Kubernetes reads the admin key from a Secret (valueFrom), and up listens on loopback only, in auth mode None.
        var leftOut = new[]
        {
            ("infra/k8s", "AudioMix__Silo__Name"), ("infra/cluster/up", "AudioMix__Web__MaxUploadBytes"),
            ("infra/k8s", "AudioMix__Auth__AdminKey"), ("infra/cluster/up", "AudioMix__Auth__AdminKey"),
        };
        foreach (var (other, name) in new[] { (k8s, "infra/k8s"), (up, "infra/cluster/up") })
        {
            problems.AddRange(compose.Select(s => s.Key).Distinct()
                .Where(key => other.All(o => o.Key != key) && !leftOut.Contains((name, key)))
                .Select(key => $"{name}: does not set {key}, which docker-compose.yml sets"));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static string Read(string relativePath) => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, relativePath));

    private static List<(string Origin, string Key, string Value)> Settings(string origin, string text, Regex pattern) =>
        [.. pattern.Matches(text).Select(m => (origin, m.Groups["key"].Value, m.Groups["value"].Value.Trim().Trim('"')))];

    private static IEnumerable<string> Problems(IEnumerable<(string Origin, string Key, string Value)> settings, (string Section, Type Type)[] sections)
    {
        foreach (var (origin, key, value) in settings)
        {
            var parts = key.Split("__");
            var section = string.Join(':', parts[..^1]);
            var property = parts[^1];
            var matches = sections.Where(s => s.Section == section)
                .Select(s => s.Type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance))
                .Where(p => p is not null).ToList();
            if (matches.Count == 0)
            {
                yield return $"{origin}: {key}: no options class bound from {section} has a property {property}";
                continue;
            }

            foreach (var p in matches)
            {
                var type = Nullable.GetUnderlyingType(p!.PropertyType) ?? p.PropertyType;
                var valid = type.IsEnum ? Enum.TryParse(type, value, ignoreCase: true, out _)
                    : type == typeof(bool) ? bool.TryParse(value, out _)
                    : true;
                if (!valid)
                {
                    yield return $"{origin}: {key}: \"{value}\" is not a valid {type.Name}"
                        + (type.IsEnum ? $" ({string.Join(", ", Enum.GetNames(type))})" : "");
                }
            }
        }
    }

    private static Type WebType(Assembly web, string name) =>
        web.GetType(name, throwOnError: false) ?? throw new InvalidOperationException($"{name} is not in {web.Location}");

    [GeneratedRegex(@"^\s+(?<key>AudioMix__[A-Za-z0-9_]+):\s*(?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex YamlSetting();

    [GeneratedRegex(@"^\s*-\s+name:\s*(?<key>AudioMix__[A-Za-z0-9_]+)\s*\n\s+value:\s*(?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex K8sEnvSetting();

    [GeneratedRegex(@"(?<key>AudioMix__[A-Za-z0-9_]+)=(?<value>[^\s""]*)")]
    private static partial Regex ShellSetting();
}

/// <summary>Runs <see cref="ComposeFileTests"/> with no other test class in parallel.</summary>
[CollectionDefinition(nameof(ComposeFileTests), DisableParallelization = true)]
public sealed class ComposeFileTestsGroup;
