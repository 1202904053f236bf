namespace AudioMix.Grains;

/// <summary>Names the grains use to find their persistence.</summary>
public static class StorageNames
{
    /// <summary>The grain-state provider every AudioMix grain persists through.</summary>
    public const string GrainState = "audiomix";
}
