using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Web.Services;

namespace AudioMix.Web.UiTests.Infrastructure;

/// <summary>In-memory datasets for component tests; records what the components asked for.</summary>
internal sealed class FakeDatasetService : IDatasetService
{
    public List<DatasetSummary> Datasets { get; } = [];

    public Dictionary<string, List<DatasetItem>> Items { get; } = [];

    public List<(string Name, DatasetKind Kind)> Created { get; } = [];

    public List<(string DatasetId, int Offset, int Limit)> ItemRequests { get; } = [];

    public Task<IReadOnlyList<DatasetSummary>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DatasetSummary>>([.. Datasets]);

    public Task<DatasetSummary?> GetAsync(string datasetId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Datasets.FirstOrDefault(d => d.Id == datasetId));

    public Task<DatasetSummary> CreateAsync(string name, DatasetKind kind, CancellationToken cancellationToken = default)
    {
        Created.Add((name, kind));
        var summary = new DatasetSummary($"ds{Datasets.Count + 1}", name, kind, 0, 0, DateTimeOffset.UnixEpoch);
        Datasets.Add(summary);
        return Task.FromResult(summary);
    }

    public Task<ItemPage> GetItemsAsync(string datasetId, int offset, int limit, CancellationToken cancellationToken = default)
    {
        ItemRequests.Add((datasetId, offset, limit));
        var all = Items.GetValueOrDefault(datasetId) ?? [];
        return Task.FromResult(new ItemPage([.. all.Skip(offset).Take(limit)], offset, all.Count));
    }

    public List<string> Deleted { get; } = [];

    public Task<DatasetSummary?> RenameAsync(string datasetId, string name, CancellationToken cancellationToken = default)
    {
        var i = Datasets.FindIndex(d => d.Id == datasetId);
        if (i < 0)
        {
            return Task.FromResult<DatasetSummary?>(null);
        }

        Datasets[i] = Datasets[i] with { Name = name.Trim() };
        return Task.FromResult<DatasetSummary?>(Datasets[i]);
    }

    public Task<DatasetDeletion> DeleteAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        Deleted.Add(datasetId);
        return Task.FromResult(new DatasetDeletion(Datasets.RemoveAll(d => d.Id == datasetId) > 0 ? DatasetDeletionOutcome.Deleted : DatasetDeletionOutcome.NotFound, []));
    }

    public static DatasetItem Item(string id, string file, double duration = 1.5, string[]? labels = null) =>
        new(id, file, $"datasets/x/items/{id}.wav", new string('a', 64), "wav/pcm_s16le", 1000, duration, 16000, 1, -23.04, -6.0, labels ?? ["dog"], null, null);
}

/// <summary>In-memory jobs for component tests; jobs can be advanced between polls.</summary>
internal sealed class FakeJobService : IJobService
{
    /// <summary>The registry's descriptors, as the cluster would answer (the ops' own static schemas).</summary>
    public List<OperationDescriptor> Operations { get; } =
    [
        AudioMix.Grains.Operations.BeatSyncMixupOperation.Schema,
        AudioMix.Grains.Operations.CaptionMixOperation.Schema,
        AudioMix.Grains.Operations.MixupOperation.Schema,
        AudioMix.Grains.Operations.ScoreOperation.Schema,
        AudioMix.Grains.Operations.SegmentVocalsOperation.Schema,
        AudioMix.Grains.Operations.SeparateOperation.Schema,
    ];

    public Task<IReadOnlyList<OperationDescriptor>> GetOperationsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<OperationDescriptor>>(Operations.ToArray());

    private readonly Lock _gate = new();

    /// <summary>What the preflight answers (default: valid, no capacities); every checked spec is recorded.</summary>
    public Func<JobSpec, JobValidation> Validate { get; set; } = _ => new JobValidation([], []);

    public List<JobSpec> Validated { get; } = [];

    public Task<JobValidation> ValidateAsync(JobSpec spec, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Validated.Add(spec);
            return Task.FromResult(Validate(spec));
        }
    }

    public List<JobStatus> Jobs { get; } = [];

    public Dictionary<string, List<JobOutput>> Outputs { get; } = [];

    public List<(string JobId, int Index, ReviewState Review)> Reviews { get; } = [];

    public List<(string JobId, int Index, string Caption)> CaptionEdits { get; } = [];

    public List<JobSpec> Started { get; } = [];

    public int ListCalls { get; private set; }

    /// <summary>Called on every list, e.g. to advance a running job.</summary>
    public Action<FakeJobService>? OnList { get; set; }

    public Task<IReadOnlyList<JobStatus>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ListCalls++;
            OnList?.Invoke(this);
            return Task.FromResult<IReadOnlyList<JobStatus>>([.. Jobs]);
        }
    }

    public Task<JobStatus?> GetStatusAsync(string jobId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(Jobs.FirstOrDefault(j => j.JobId == jobId));
        }
    }

    public Task<JobStatus> StartAsync(JobSpec spec, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Started.Add(spec);
            var status = Status($"job{Jobs.Count + 1}", spec.DatasetId, JobState.Pending, 0, 0);
            Jobs.Insert(0, status);
            return Task.FromResult(status);
        }
    }

    public int OutputCalls { get; private set; }

    public Task<OutputPage> GetOutputsAsync(string jobId, int offset, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            OutputCalls++;
            var all = Outputs.GetValueOrDefault(jobId) ?? [];
            return Task.FromResult(new OutputPage([.. all.Skip(offset).Take(limit)], offset, all.Count));
        }
    }

    public Task<JobOutput?> ReviewAsync(string jobId, int index, ReviewState review, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Reviews.Add((jobId, index, review));
            var list = Outputs.GetValueOrDefault(jobId);
            var i = list?.FindIndex(o => o.Index == index) ?? -1;
            if (i < 0)
            {
                return Task.FromResult<JobOutput?>(null);
            }

            list![i] = list[i] with { Review = review };
            return Task.FromResult<JobOutput?>(list[i]);
        }
    }

    public Task<JobOutput?> EditCaptionAsync(string jobId, int index, string caption, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            CaptionEdits.Add((jobId, index, caption));
            if (string.IsNullOrWhiteSpace(caption))
            {
                throw new ArgumentException("The caption must not be empty.", nameof(caption));
            }

            var list = Outputs.GetValueOrDefault(jobId);
            var i = list?.FindIndex(o => o.Index == index) ?? -1;
            if (i < 0)
            {
                return Task.FromResult<JobOutput?>(null);
            }

            var provenance = System.Text.Json.Nodes.JsonNode.Parse(list![i].ProvenanceJson)!.AsObject();
            provenance["originalCaption"] ??= list[i].Caption;
            list[i] = list[i] with { Caption = caption.Trim(), ProvenanceJson = provenance.ToJsonString() };
            return Task.FromResult<JobOutput?>(list[i]);
        }
    }

    public Task<JobStatus?> CancelAsync(string jobId, CancellationToken cancellationToken = default) => GetStatusAsync(jobId, cancellationToken);

    public List<string> Deleted { get; } = [];

    public List<(string JobId, string? Filter, ReviewState Review)> BulkReviews { get; } = [];

    /// <summary>Filters with the grains' own filter language (no second implementation), in unit order or by the sort key.</summary>
    public Task<OutputPage> QueryOutputsAsync(string jobId, OutputQuery query, int offset, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var filter = string.IsNullOrWhiteSpace(query.Filter) ? null : AudioMix.Grains.Jobs.Review.OutputFilter.Parse(query.Filter);
            var all = (Outputs.GetValueOrDefault(jobId) ?? []).Where(o => filter?.Matches(o) ?? true).ToList();
            if (!string.IsNullOrWhiteSpace(query.Sort))
            {
                var keyed = all.OrderBy(o => AudioMix.Grains.Jobs.Review.OutputFilter.SortKey(o, query.Sort) as double? ?? double.MaxValue);
                all = (query.Descending ? keyed.Reverse() : keyed).ToList();
            }

            return Task.FromResult(new OutputPage([.. all.Skip(offset).Take(limit)], offset, all.Count));
        }
    }

    public Task<int> ReviewMatchingAsync(string jobId, string? filter, ReviewState review, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            BulkReviews.Add((jobId, filter, review));
            var parsed = filter is null ? null : AudioMix.Grains.Jobs.Review.OutputFilter.Parse(filter);
            var list = Outputs.GetValueOrDefault(jobId) ?? [];
            var changed = 0;
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i].Error is null && list[i].Review != review && (parsed?.Matches(list[i]) ?? true))
                {
                    list[i] = list[i] with { Review = review };
                    changed++;
                }
            }

            return Task.FromResult(changed);
        }
    }

    public Task<ReviewSummary> GetReviewSummaryAsync(string jobId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var ops = (Outputs.GetValueOrDefault(jobId) ?? []).GroupBy(o => o.Op)
                .Select(g => new OpReviewCounts(g.Key, g.Count(o => o.Review == ReviewState.Accepted), g.Count(o => o.Review == ReviewState.Rejected), g.Count(o => o.Review == ReviewState.Pending), 0))
                .ToArray();
            return Task.FromResult(new ReviewSummary(ops));
        }
    }

    public Task<bool> DeleteAsync(string jobId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Deleted.Add(jobId);
            return Task.FromResult(Jobs.RemoveAll(j => j.JobId == jobId) > 0);
        }
    }

    public void Replace(JobStatus status)
    {
        lock (_gate)
        {
            Jobs[Jobs.FindIndex(j => j.JobId == status.JobId)] = status;
        }
    }

    public static JobStatus Status(string id, string datasetId, JobState state, int total, int completed, int failed = 0) =>
        new(id, datasetId, state, 7, ["mixup"], total, completed, failed, null, DateTimeOffset.UnixEpoch, null, null,
            state == JobState.Completed ? $"jobs/{id}/manifest.jsonl" : null);

    public static JobOutput Output(int index, string anchorItem, string partnerItem, ReviewState review = ReviewState.Pending) =>
        new(index, "mixup", $"jobs/x/outputs/{index:D6}.wav", 2.0, 16000, 1, "dog",
            new Dictionary<string, double> { ["dog"] = 0.7, ["cat"] = 0.3 }, null, null,
            $$"""{"op":"mixup","seed":7,"unit":{{index}},"lambda":0.7,"sources":[{"role":"anchor","item":"{{anchorItem}}","file":"{{anchorItem}}.wav","weight":0.7,"gainDb":-1.5},{"role":"partner","item":"{{partnerItem}}","file":"{{partnerItem}}.wav","weight":0.3,"gainDb":2.25}]}""",
            null, review);
}

/// <summary>A fixed dashboard caller (the components only ask what it may do).</summary>
internal sealed class FixedCaller : ICurrentCaller
{
    public AudioMix.Web.Security.Caller Current { get; set; } = AudioMix.Web.Security.Caller.Local;

    public Task<AudioMix.Web.Security.Caller> GetAsync() => Task.FromResult(Current);
}

internal sealed class FakeModelService : IModelService
{
    public List<AudioMix.Abstractions.Models.ModelInfo> Models { get; } = [];

    public Task<IReadOnlyList<AudioMix.Abstractions.Models.ModelInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AudioMix.Abstractions.Models.ModelInfo>>([.. Models]);
}
