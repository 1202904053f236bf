using AudioMix.Web.Components.Shared;
using AudioMix.Web.UiTests.Infrastructure;
using Bunit;

namespace AudioMix.Web.UiTests.Components;

public sealed class DatasetUploadTests : IAsyncDisposable
{
    private readonly DashboardTestContext _ctx = new();

    public ValueTask DisposeAsync() => _ctx.DisposeAsync();

    [Fact]
    public void Renders_a_multiple_file_input_and_attaches_the_upload_script_to_the_rest_endpoint()
    {
        var module = _ctx.JSInterop.SetupModule("./js/upload.js");
        module.SetupModule(invocation => invocation.Identifier == "attach");

        var cut = _ctx.Render<DatasetUpload>(p => p.Add(x => x.DatasetId, "ds 1"));

        var input = cut.Find("input[type=file]");
        Assert.True(input.HasAttribute("multiple"));
        Assert.Contains(".wav", input.GetAttribute("accept"), StringComparison.Ordinal);
        Assert.Contains(".zip", input.GetAttribute("accept"), StringComparison.Ordinal);
        var attach = Assert.Single(module.Invocations["attach"]);
        Assert.Equal("/api/datasets/ds%201/items", attach.Arguments[2]);
    }

    [Fact]
    public async Task Shows_progress_then_accepted_and_rejected_files_with_their_reasons()
    {
        var accepted = new List<int>();
        var cut = _ctx.Render<DatasetUpload>(p => p
            .Add(x => x.DatasetId, "ds1")
            .Add(x => x.OnUploaded, accepted.Add));

        await cut.InvokeAsync(() => cut.Instance.OnUploadStarted(3, 4_000_000));
        await cut.InvokeAsync(() => cut.Instance.OnUploadProgress(1_000_000, 4_000_000));
        var bar = cut.Find("[data-testid=upload-progress] [role=progressbar]");
        Assert.Equal("25", bar.GetAttribute("aria-valuenow"));

        const string body = """
            {"dataset":{"id":"ds1"},"accepted":[{"fileName":"a.wav"},{"fileName":"b.wav"}],
             "rejected":[{"fileName":"notes.txt","error":"notes.txt: not an audio file (no RIFF header)"}]}
            """;
        await cut.InvokeAsync(() => cut.Instance.OnUploadCompleted(200, body));

        Assert.Empty(cut.FindAll("[data-testid=upload-progress]"));
        Assert.Contains("2 file(s) accepted", cut.Find("[data-testid=upload-accepted]").TextContent, StringComparison.Ordinal);
        var rejected = cut.Find("[data-testid=upload-rejected]").TextContent;
        Assert.Contains("notes.txt", rejected, StringComparison.Ordinal);
        Assert.Contains("no RIFF header", rejected, StringComparison.Ordinal);
        Assert.Equal([2], accepted);
    }

    [Fact]
    public async Task A_refused_upload_shows_the_problem_and_every_rejection()
    {
        var cut = _ctx.Render<DatasetUpload>(p => p.Add(x => x.DatasetId, "ds1"));

        const string problem = """
            {"title":"No file of the upload is usable audio","status":422,"detail":"x.bin: unknown","rejected":[{"fileName":"x.bin","error":"x.bin: unknown format"}]}
            """;
        await cut.InvokeAsync(() => cut.Instance.OnUploadCompleted(422, problem));

        Assert.Contains("No file of the upload is usable audio", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("x.bin: unknown format", cut.Find("[data-testid=upload-rejected]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=upload-accepted]"));
    }
}
