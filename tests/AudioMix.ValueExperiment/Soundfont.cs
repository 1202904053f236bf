namespace AudioMix.ValueExperiment;

/// <summary>A General MIDI soundfont of the experiment: a domain name and the file Debian installs it at.</summary>
/// <param name="Domain">Name of the test domain it renders.</param>
/// <param name="Path">The .sf2/.sf3 file.</param>
/// <param name="Package">The Debian package that installs it (named in the error when it is missing).</param>
internal sealed record Soundfont(string Domain, string Path, string Package)
{
    /// <summary>FluidR3 GM: the training soundfont (package fluid-soundfont-gm).</summary>
    public static Soundfont FluidR3 { get; } = new("fluidr3", "/usr/share/sounds/sf2/FluidR3_GM.sf2", "fluid-soundfont-gm");

    /// <summary>TimGM6mb: a small GM soundfont with different samples (package timgm6mb-soundfont).</summary>
    public static Soundfont TimGm6mb { get; } = new("timgm6mb", "/usr/share/sounds/sf2/TimGM6mb.sf2", "timgm6mb-soundfont");

    /// <summary>MuseScore General (SF3, Vorbis-compressed samples; package musescore-general-soundfont).</summary>
    public static Soundfont MuseScoreGeneral { get; } = new("musescore", "/usr/share/sounds/sf3/MuseScore_General.sf3", "musescore-general-soundfont");

    /// <summary>The file, or a clear error naming the package that installs it (infra/userland/packages.txt lists it).</summary>
    /// <exception cref="FileNotFoundException">The soundfont is not installed.</exception>
    public string RequirePath() => File.Exists(Path)
        ? Path
        : throw new FileNotFoundException($"Soundfont '{Domain}' not found at {Path}: install the Debian package {Package} (infra/userland/packages.txt lists it).", Path);
}
