using System.ComponentModel.DataAnnotations;

namespace AudioMix.Web.Security;

/// <summary>How callers prove who they are, bound from <c>AudioMix:Auth:Mode</c>.</summary>
internal enum AuthMode
{
    /// <summary>No keys: every caller is the local administrator. Refused at start unless every listening address is loopback.</summary>
    None,

    /// <summary>Every request but health and sign-in carries an API key (or the dashboard's sign-in cookie).</summary>
    ApiKey,
}

/// <summary>Settings of authentication, key lookup and per-key request rates, bound from <c>AudioMix:Auth</c>.</summary>
internal sealed class AuthOptions : IValidatableObject
{
    public const string Section = "AudioMix:Auth";

    /// <summary>Least length of <see cref="AdminKey"/>: 32 characters of a random key carry well over 128 bits.</summary>
    public const int MinAdminKeyLength = 32;

    public AuthMode Mode { get; set; } = AuthMode.None;

    /// <summary>
    /// A bootstrap administrator key from configuration or the environment (<c>AudioMix__Auth__AdminKey</c>), at least
    /// <see cref="MinAdminKeyLength"/> characters; it is never stored. Use it to create real keys, then remove it.
    /// </summary>
    public string? AdminKey { get; set; }

    /// <summary>
    /// How long a web host trusts what it read of a key. A key revoked through another web host stops working here
    /// within this time; revoking through this host takes effect at once.
    /// </summary>
    [Range(1, 3600)]
    public int KeyCacheSeconds { get; set; } = 30;

    /// <summary>Upload requests one key may make per minute (429 with Retry-After beyond).</summary>
    [Range(1, 1_000_000)]
    public int UploadsPerMinute { get; set; } = 60;

    /// <summary>Job submissions one key may make per minute (429 with Retry-After beyond).</summary>
    [Range(1, 1_000_000)]
    public int JobSubmissionsPerMinute { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AdminKey is { } key && key.Trim().Length < MinAdminKeyLength)
        {
            yield return new ValidationResult(
                $"{Section}:AdminKey must be at least {MinAdminKeyLength} characters (got {key.Trim().Length}); generate one with `openssl rand -base64 32`.",
                [nameof(AdminKey)]);
        }
    }
}

/// <summary>Limits on what one owner may have running, bound from <c>AudioMix:Jobs</c> (the web host's share of that section).</summary>
internal sealed class JobQuotaOptions
{
    public const string Section = "AudioMix:Jobs";

    /// <summary>Unfinished jobs one owner may have at once (ApiKey mode); a submission beyond is refused with 429, no job created.</summary>
    [Range(1, 100_000)]
    public int MaxActiveJobsPerOwner { get; set; } = 8;
}
