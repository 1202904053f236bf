using System.Diagnostics;
using System.Text.Json.Nodes;

namespace AudioMix.Separation.Tests;

/// <summary>
/// infra/models/install itself (node, as CI runs it): a pin whose licence needs acceptance is refused without it, with
/// the licence printed and nothing installed; a file whose sha256 differs from its pin is refused and not placed.
/// </summary>
public sealed class ModelInstallerTests : IDisposable
{
    private readonly string _target = Directory.CreateTempSubdirectory("audiomix-install-").FullName;

    public void Dispose() => Directory.Delete(_target, recursive: true);

    private static string Installer
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var script = Path.Combine(dir.FullName, "infra", "models", "install.mjs");
                if (File.Exists(script) && File.Exists(Path.Combine(dir.FullName, "AudioMix.sln")))
                {
                    return script;
                }
            }

            throw new InvalidOperationException($"No infra/models/install.mjs above {AppContext.BaseDirectory}.");
        }
    }

    private static (int Exit, string Output) Run(params string[] args)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Installer);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public void A_research_only_model_is_refused_without_acceptance_and_the_licence_is_printed()
    {
        var (exit, output) = Run("--path", _target, "htdemucs");
        Assert.NotEqual(0, exit);
        Assert.Contains("research-only", output, StringComparison.Ordinal);
        Assert.Contains("personal and research use only", output, StringComparison.Ordinal);
        Assert.Contains("infra/models/install htdemucs --accept-license research-only", output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_target));

        // Accepting another licence is not accepting this one.
        var (wrongExit, wrong) = Run("--path", _target, "--accept-license", "MIT", "htdemucs");
        Assert.NotEqual(0, wrongExit);
        Assert.Contains("needs explicit acceptance", wrong, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_target));
    }

    [Fact]
    public void Without_names_an_opt_in_model_is_skipped_with_its_licence_and_check_does_not_count_it_missing()
    {
        var pins = Directory.CreateTempSubdirectory("audiomix-pins-").FullName;
        try
        {
            File.Copy(Path.Combine(Path.GetDirectoryName(Installer)!, "htdemucs.json"), Path.Combine(pins, "htdemucs.json"));
            var (exit, output) = Run("--path", _target, "--pins", pins);
            Assert.Equal(0, exit);
            Assert.Contains("skipped htdemucs", output, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(_target));
            Assert.Equal(0, Run("--path", _target, "--pins", pins, "--check").Exit);
            Assert.NotEqual(0, Run("--path", _target, "--pins", pins, "--check", "htdemucs").Exit);
        }
        finally
        {
            Directory.Delete(pins, recursive: true);
        }
    }

    [Fact]
    public void A_file_whose_sha256_differs_from_the_pin_is_refused_and_not_installed()
    {
        // The Silero pin (a small package npm has cached since infra/test installed it) with one digit of its hash changed.
        var pins = Directory.CreateTempSubdirectory("audiomix-pins-").FullName;
        try
        {
            var pin = JsonNode.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(Installer)!, "silero-vad.json")))!;
            var sha = pin["sha256"]!.GetValue<string>();
            var wrong = (sha[0] == '0' ? "1" : "0") + sha[1..];
            pin["sha256"] = wrong;
            File.WriteAllText(Path.Combine(pins, "silero-vad.json"), pin.ToJsonString());

            var (exit, output) = Run("--path", _target, "--pins", pins, "silero-vad");
            Assert.NotEqual(0, exit);
            Assert.Contains($"has sha256 {sha}, the pin says {wrong}: not installed", output, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(_target, "silero-vad", "silero_vad_v5.onnx")));
        }
        finally
        {
            Directory.Delete(pins, recursive: true);
        }
    }
}
