using System.Diagnostics;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;

namespace AudioMix.ValueExperiment;

/// <summary>
/// Renders phrases to mono clips with the fluidsynth command line (one fast-render run per set: the soundfont loads once),
/// reverb and chorus off so the clips carry the soundfont's samples and nothing else, 32-bit float output (no dither,
/// so a render is the same bytes every time).
/// </summary>
/// <param name="SampleRate">Output rate, Hz.</param>
internal sealed class FluidSynthRenderer(int sampleRate)
{
    /// <summary>Seconds between phrase starts in the rendered stream: the clip plus 1.5 s for releases to die away.</summary>
    public const double SlotSeconds = PhraseGenerator.ClipSeconds + 1.5;

    /// <summary>Synth gain: one voice at a time, so 0.5 leaves headroom on every soundfont.</summary>
    private const string Gain = "0.5";

    public int SampleRate => sampleRate;

    /// <summary>Every phrase rendered on <paramref name="soundfont"/>, each exactly <see cref="PhraseGenerator.ClipSeconds"/> long.</summary>
    /// <exception cref="InvalidOperationException">fluidsynth is missing or failed.</exception>
    public IReadOnlyList<AudioBuffer> Render(IReadOnlyList<Phrase> phrases, Soundfont soundfont, string workFolder)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        ArgumentNullException.ThrowIfNull(soundfont);
        var font = soundfont.RequirePath();
        Directory.CreateDirectory(workFolder);
        var midi = Path.Combine(workFolder, $"{soundfont.Domain}-{Guid.NewGuid():N}.mid");
        var wav = Path.ChangeExtension(midi, ".wav");
        try
        {
            File.WriteAllBytes(midi, new StandardMidiFile(SlotSeconds).Write(phrases));
            Run("fluidsynth", "-n", "-i", "-q", "-R", "0", "-C", "0", "-g", Gain, "-r", sampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-O", "float", "-T", "wav", "-F", wav, font, midi);
            var stream = AudioFile.Read(wav);
            var clipFrames = (int)Math.Round(PhraseGenerator.ClipSeconds * sampleRate);
            var clips = new AudioBuffer[phrases.Count];
            for (var i = 0; i < phrases.Count; i++)
            {
                var start = (int)Math.Round(i * SlotSeconds * sampleRate);
                var mono = new float[clipFrames];
                for (var c = 0; c < stream.ChannelCount; c++)
                {
                    var channel = stream.Channels[c];
                    var available = Math.Max(0, Math.Min(clipFrames, channel.Length - start));
                    for (var n = 0; n < available; n++)
                    {
                        mono[n] += channel[start + n] / stream.ChannelCount;
                    }
                }

                clips[i] = new AudioBuffer(sampleRate, [mono]);
            }

            return clips;
        }
        finally
        {
            File.Delete(midi);
            File.Delete(wav);
        }
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true };
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{file} is not installed (Debian package fluidsynth; infra/userland/packages.txt lists it): {e.Message}", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} exited {process.ExitCode}: {stderr.Result}");
            }
        }
    }
}
