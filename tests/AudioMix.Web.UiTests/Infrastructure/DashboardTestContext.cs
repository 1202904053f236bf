using AudioMix.Web.Services;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AudioMix.Web.UiTests.Infrastructure;

/// <summary>
/// A bUnit context set up the way MudBlazor 9 components need (loose JS interop: MudBlazor calls its
/// own JS on render; MudBlazor services) plus in-memory fakes of the dashboard's UI services.
/// </summary>
internal class DashboardTestContext : BunitContext
{
    public DashboardTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.PopoverOptions.CheckForPopoverProvider = false;
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Services.AddSingleton<IDatasetService>(DatasetService);
        Services.AddSingleton<IJobService>(JobService);
        Services.AddSingleton<ICurrentCaller>(Caller);
        Services.AddSingleton<IModelService>(ModelService);
    }

    /// <summary>Who the components think is signed in: the local administrator unless a test says otherwise.</summary>
    public FixedCaller Caller { get; } = new();

    public FakeDatasetService DatasetService { get; } = new();

    public FakeJobService JobService { get; } = new();

    public FakeModelService ModelService { get; } = new();
}
