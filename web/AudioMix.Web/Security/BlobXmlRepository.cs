using System.Xml.Linq;
using AudioMix.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace AudioMix.Web.Security;

/// <summary>
/// Keeps the data-protection key ring (what signs and encrypts the dashboard's sign-in cookie and antiforgery tokens)
/// in the platform's blob store under <see cref="Prefix"/>, so cookies survive restarts and every web host of a cluster
/// reads the others' cookies. The key ring is as sensitive as the store itself: protect the store.
/// </summary>
internal sealed class BlobXmlRepository(IBlobStore store) : IXmlRepository
{
    public const string Prefix = "system/data-protection/";

    // IXmlRepository is synchronous; it is read when the key ring is loaded (start, then about daily) and written when a
    // key is made (every 90 days by default), so blocking on the store here costs nothing that matters.
    public IReadOnlyCollection<XElement> GetAllElements() => Task.Run(async () =>
    {
        var elements = new List<XElement>();
        await foreach (var blob in store.ListAsync(Prefix))
        {
            try
            {
                await using var stream = await store.OpenReadAsync(blob.Key);
                elements.Add(await XElement.LoadAsync(stream, LoadOptions.None, CancellationToken.None));
            }
            catch (BlobNotFoundException)
            {
                // Deleted between listing and reading: not part of the ring any more.
            }
        }

        return (IReadOnlyCollection<XElement>)elements;
    }).GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName) => Task.Run(async () =>
    {
        using var buffer = new MemoryStream();
        element.Save(buffer, SaveOptions.DisableFormatting);
        buffer.Position = 0;
        var name = new string(friendlyName.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-').ToArray());
        await store.WriteAsync($"{Prefix}{name}.xml", buffer, new BlobWriteOptions { ContentType = "application/xml" });
    }).GetAwaiter().GetResult();
}
