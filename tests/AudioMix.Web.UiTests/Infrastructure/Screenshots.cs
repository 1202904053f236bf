using Microsoft.Playwright;

namespace AudioMix.Web.UiTests.Infrastructure;

/// <summary>
/// Where the browser tests save their screenshots: the test results folder (<c>TestResults/screenshots</c> next to the
/// test assembly), so a run leaves the checkout as it found it. The README's pictures under <c>docs/screenshots/</c> are
/// refreshed only on request: <c>AUDIOMIX_UPDATE_SCREENSHOTS=1</c> also copies the documented pages there.
/// </summary>
internal static class Screenshots
{
    /// <summary>The opt-in that refreshes docs/screenshots/.</summary>
    public const string UpdateVariable = "AUDIOMIX_UPDATE_SCREENSHOTS";

    /// <summary>The folder every screenshot goes to.</summary>
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <summary>Whether this run refreshes the committed docs/screenshots/.</summary>
    public static bool UpdateDocs => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>
    /// Saves the full page as <paramref name="name"/>.png in <see cref="Folder"/>; a <paramref name="documented"/> page
    /// (one the README links) is also copied to docs/screenshots/ when <see cref="UpdateDocs"/>.
    /// </summary>
    public static async Task SaveAsync(IPage page, string name, bool documented = false)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name + ".png");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        if (documented && UpdateDocs)
        {
            var docs = Path.Combine(RepositoryRoot(), "docs", "screenshots");
            Directory.CreateDirectory(docs);
            File.Copy(path, Path.Combine(docs, name + ".png"), overwrite: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var root = new DirectoryInfo(AppContext.BaseDirectory); root is not null; root = root.Parent)
        {
            if (File.Exists(Path.Combine(root.FullName, "AudioMix.sln")))
            {
                return root.FullName;
            }
        }

        throw new InvalidOperationException($"{UpdateVariable}=1 but no AudioMix.sln above {AppContext.BaseDirectory}: run the test from a checkout to refresh docs/screenshots/.");
    }
}
