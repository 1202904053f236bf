namespace AudioMix.Captions.Merging;

/// <summary>What to merge.</summary>
/// <param name="First">Caption of the first clip.</param>
/// <param name="Second">Caption of the second clip.</param>
/// <param name="Variants">How many alternative merged captions to ask for (Wu et al. keep several per pair).</param>
/// <param name="Seed">Seed for any choice the merger makes (the built-in merger picks its first pattern with it).</param>
public sealed record CaptionMergeRequest(string First, string Second, int Variants = 3, long Seed = 0);

/// <summary>A candidate caption the merger refused, and why (kept for the job output, as Wu et al.'s "rejected" list).</summary>
public sealed record RejectedCaption(string Reply, string Reason);

/// <summary>The merged captions of one pair.</summary>
/// <param name="Merger">Which merger produced them ("builtin", "llm:model").</param>
/// <param name="Captions">Accepted merged captions, best first; empty when every candidate was rejected.</param>
/// <param name="Rejected">Candidates (or whole replies) that failed validation.</param>
public sealed record CaptionMergeResult(string Merger, IReadOnlyList<string> Captions, IReadOnlyList<RejectedCaption> Rejected);

/// <summary>Combines two audio captions into one caption describing both sounds.</summary>
public interface ICaptionMerger
{
    /// <summary>Short name recorded in provenance.</summary>
    string Name { get; }

    /// <summary>Merges the pair; never invents sounds neither caption mentions.</summary>
    Task<CaptionMergeResult> MergeAsync(CaptionMergeRequest request, CancellationToken cancellationToken = default);
}
