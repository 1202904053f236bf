using System.Security.Cryptography;
using AudioMix.Models;
using AudioMix.Separation.Segmentation;

namespace AudioMix.Separation.Tests;

public sealed class ModelStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("audiomix-models-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_pins_are_embedded_with_hash_licence_source_and_users()
    {
        var pin = ModelCatalog.Get(ModelCatalog.SileroVad);
        Assert.Equal("silero_vad_v5.onnx", pin.File);
        Assert.Equal(64, pin.Sha256.Length);
        Assert.Equal("MIT", pin.License.Id);
        Assert.False(pin.License.RequiresAcceptance);
        Assert.Equal("@ricky0123/vad-web", pin.Source.Npm);
        Assert.Contains("segment_vocals", pin.UsedBy);
        Assert.Contains("detect_speech", pin.UsedBy);
        Assert.Throws<ArgumentException>(() => ModelCatalog.Get("no-such-model"));
    }

    [Fact]
    public void A_missing_model_is_an_error_naming_the_install_command()
    {
        var store = new ModelStore(_folder);
        var ex = Assert.Throws<ModelNotInstalledException>(() => store.Resolve(ModelCatalog.SileroVad));
        Assert.Contains("infra/models/install silero-vad", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_folder, ex.Message, StringComparison.Ordinal);
        Assert.False(store.IsInstalled(ModelCatalog.SileroVad));
        Assert.Equal(SpeechDetectors.Rms, SpeechDetectors.Default(store));
        Assert.Throws<ModelNotInstalledException>(() => SileroVad.Load(store));
    }

    [Fact]
    public void A_corrupt_model_is_refused_with_both_hashes_and_the_install_command()
    {
        var store = new ModelStore(_folder);
        var pin = ModelCatalog.Get(ModelCatalog.SileroVad);
        Directory.CreateDirectory(Path.GetDirectoryName(store.PathOf(pin))!);
        var bytes = new byte[1000];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(store.PathOf(pin), bytes);

        var ex = Assert.Throws<ModelNotInstalledException>(() => store.Resolve(ModelCatalog.SileroVad));
        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes)), ex.Message, StringComparison.Ordinal);
        Assert.Contains(pin.Sha256, ex.Message, StringComparison.Ordinal);
        Assert.Contains("infra/models/install silero-vad", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ModelState.Corrupt, Assert.Single(store.List(), s => s.Pin.Name == pin.Name).State);
    }

    [Fact]
    public void The_installed_model_verifies_and_its_reference_names_the_hash()
    {
        var store = new ModelStore(ModelStoreOptions.FromEnvironment());
        var installed = store.Resolve(ModelCatalog.SileroVad);
        Assert.True(File.Exists(installed.Path));
        Assert.Equal($"silero-vad@5 sha256:{installed.Pin.Sha256}", installed.Reference);
        Assert.Equal(SpeechDetectors.Silero, SpeechDetectors.Default(store));
    }
}
