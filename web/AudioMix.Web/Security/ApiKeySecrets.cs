using System.Security.Cryptography;
using System.Text;
using AudioMix.Abstractions.Security;
using Microsoft.AspNetCore.WebUtilities;

namespace AudioMix.Web.Security;

/// <summary>
/// The shape of AudioMix API keys, <c>amk_{id}_{secret}</c>: a 12-hex-digit public id (how the key finds its record)
/// and a 256-bit random secret (base64url). Only SHA-256(salt ‖ secret) with a 128-bit random salt is ever stored;
/// a fast hash suffices because the secret is uniformly random (no dictionary to try), the salt makes equal secrets
/// hash apart, and the comparison runs in fixed time.
/// </summary>
internal static class ApiKeySecrets
{
    public const string Prefix = "amk_";
    private const int IdLength = 12;
    private const int SecretBytes = 32;
    private const int SaltBytes = 16;

    /// <summary>A fresh key and the record that stores it (hash only).</summary>
    public static (ApiKeyRecord Record, string Key) Create(string name, ApiKeyRole role, string owner, DateTimeOffset now)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var secret = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(SecretBytes));
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var record = new ApiKeyRecord(id, name, role, owner, Convert.ToBase64String(salt), Convert.ToBase64String(Hash(salt, secret)), now);
        return (record, $"{Prefix}{id}_{secret}");
    }

    /// <summary>Splits a presented key into id and secret; false for anything not shaped like one of ours.</summary>
    public static bool TryParse(string presented, out string id, out string secret)
    {
        id = secret = "";
        if (presented.Length < Prefix.Length + IdLength + 2 || !presented.StartsWith(Prefix, StringComparison.Ordinal) || presented[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        id = presented.Substring(Prefix.Length, IdLength);
        secret = presented[(Prefix.Length + IdLength + 1)..];
        return id.All(char.IsAsciiHexDigitLower);
    }

    /// <summary>Whether <paramref name="secret"/> is the one <paramref name="record"/> was made with (fixed-time).</summary>
    public static bool Matches(ApiKeyRecord record, string secret)
    {
        try
        {
            return CryptographicOperations.FixedTimeEquals(Hash(Convert.FromBase64String(record.Salt), secret), Convert.FromBase64String(record.Hash));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Fixed-time equality of two strings of any lengths (compares their SHA-256 digests).</summary>
    public static bool SameText(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    private static byte[] Hash(byte[] salt, string secret)
    {
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var buffer = new byte[salt.Length + secretBytes.Length];
        salt.CopyTo(buffer, 0);
        secretBytes.CopyTo(buffer, salt.Length);
        return SHA256.HashData(buffer);
    }
}
