using Microsoft.ML.OnnxRuntime;

namespace AudioMix.Models;

/// <summary>How an ONNX model runs.</summary>
/// <param name="IntraOpThreads">
/// Threads one inference may use. Default 1: the silo's compute limiter already runs one piece of heavy work per
/// core, so a model that spawned its own pool per call would oversubscribe the cores the limiter shares out.
/// </param>
/// <param name="UseCuda">Use the CUDA execution provider (needs the ONNX Runtime GPU build); CPU otherwise.</param>
/// <param name="CudaDevice">The CUDA device.</param>
/// <param name="CpuMemoryArena">
/// ONNX Runtime's CPU memory arena (its default): buffers are pooled across runs, which speeds up small models but keeps the
/// largest working set ever reached (grown in power-of-two steps) for the session's lifetime. Off, each run allocates and
/// frees from the process heap.
/// </param>
/// <param name="SpinningThreads">
/// Whether idle intra-op threads spin waiting for work (ONNX Runtime's default). Off, they sleep: on a machine whose cores are
/// shared with other work, spinning burns the CPU time the other threads need.
/// </param>
/// <param name="MemoryPattern">Whether ONNX Runtime plans one block for a run's intermediate tensors from the first run (its default).</param>
public sealed record OnnxModelOptions(int IntraOpThreads = 1, bool UseCuda = false, int CudaDevice = 0, bool CpuMemoryArena = true, bool SpinningThreads = true, bool MemoryPattern = true)
{
    internal void Validate()
    {
        if (IntraOpThreads is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "IntraOpThreads must be between 1 and 256.");
        }

        if (CudaDevice < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CudaDevice), CudaDevice, "CudaDevice must be ≥ 0.");
        }
    }
}

/// <summary>
/// One ONNX Runtime inference session over a model file: sequential execution with bounded threads, CPU unless
/// CUDA is asked for. <see cref="Run"/> is safe to call from several threads (ONNX Runtime's <c>Run</c> is).
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _sessionOptions;

    /// <summary>Loads <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No file there.</exception>
    /// <exception cref="ArgumentException">Not a loadable ONNX model, or CUDA asked for where this build has none.</exception>
    public OnnxModel(string path, OnnxModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new OnnxModelOptions();
        options.Validate();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"ONNX model '{path}' does not exist.", path);
        }

        Path = System.IO.Path.GetFullPath(path);
        Options = options;
        _sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableCpuMemArena = options.CpuMemoryArena,
            EnableMemoryPattern = options.MemoryPattern,
        };
        try
        {
            if (!options.SpinningThreads)
            {
                _sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            }

            if (options.UseCuda)
            {
                _sessionOptions.AppendExecutionProvider_CUDA(options.CudaDevice);
            }

            _session = new InferenceSession(Path, _sessionOptions);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            _sessionOptions.Dispose();
            var what = options.UseCuda ? "with the CUDA execution provider (this needs the ONNX Runtime GPU build and a CUDA device)" : "";
            throw new ArgumentException($"'{path}' could not be loaded as an ONNX model {what}: {ex.Message.Split('\n')[0]}", nameof(path), ex);
        }
    }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>How it runs.</summary>
    public OnnxModelOptions Options { get; }

    /// <summary>Input names, in the graph's order.</summary>
    public IReadOnlyList<string> InputNames => _session.InputNames;

    /// <summary>Output names, in the graph's order.</summary>
    public IReadOnlyList<string> OutputNames => _session.OutputNames;

    /// <summary>Input shapes as declared by the graph (−1 for a free dimension).</summary>
    public IReadOnlyDictionary<string, int[]> InputShapes => _session.InputMetadata.ToDictionary(kv => kv.Key, kv => kv.Value.Dimensions, StringComparer.Ordinal);

    /// <summary>Runs the model on named inputs and returns every output, in <see cref="OutputNames"/> order (dispose them).</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyDictionary<string, OrtValue> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var runOptions = new RunOptions();
        try
        {
            return _session.Run(runOptions, inputs, _session.OutputNames);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidOperationException($"ONNX model '{System.IO.Path.GetFileName(Path)}' failed: {ex.Message.Split('\n')[0]}", ex);
        }
    }

    /// <summary>A float tensor over <paramref name="data"/> (no copy; keep the array alive while the value is used).</summary>
    public static OrtValue Tensor(float[] data, params long[] shape) => OrtValue.CreateTensorValueFromMemory(data, shape);

    /// <summary>An int64 tensor over <paramref name="data"/>.</summary>
    public static OrtValue Tensor(long[] data, params long[] shape) => OrtValue.CreateTensorValueFromMemory(data, shape);

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _sessionOptions.Dispose();
    }
}
