namespace AudioMix.Models;

/// <summary>Where installed models live (configuration section <c>AudioMix:Models</c>).</summary>
public sealed class ModelStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AudioMix:Models";

    /// <summary>
    /// The models folder: <c>PATH/NAME/FILE</c> as <c>infra/models/install</c> lays it out. Default
    /// <c>$XDG_DATA_HOME/audiomix/models</c> (<c>~/.local/share/audiomix/models</c>), the installer's default too.
    /// </summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>Run models with the CUDA execution provider (needs the ONNX Runtime GPU build and a GPU); CPU otherwise.</summary>
    public bool UseCuda { get; set; }

    /// <summary>The CUDA device when <see cref="UseCuda"/> is set.</summary>
    public int CudaDevice { get; set; }

    /// <summary>The installer's and the product's default folder.</summary>
    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "audiomix", "models");

    /// <summary>The models path named in configuration or environment (<c>AudioMix__Models__Path</c>), else the default.</summary>
    public static string FromEnvironment() =>
        Environment.GetEnvironmentVariable("AudioMix__Models__Path") is { Length: > 0 } path ? path : DefaultPath;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">The path is empty or the CUDA device negative.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException($"{Section}:Path must name a folder.");
        }

        if (CudaDevice < 0)
        {
            throw new ArgumentException($"{Section}:CudaDevice must be ≥ 0.");
        }
    }
}
