using AudioMix.TestSupport;
using TorchSharp;

namespace AudioMix.Audio.Torch.Tests;

public sealed class KeptScalarsTests
{
    [Fact]
    public void Each_op_matches_libtorchs_own_arithmetic()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { -2.0, 0.5, 3.0 });
        var y = torch.tensor(new[] { 1.0, 2.0, -1.0 });
        var index = torch.arange(5L);

        Assert.Equal(new[] { -1.0, 2.5, 2.0 }, x.Plus(y).data<double>().ToArray());
        Assert.Equal(new[] { -3.0, -1.5, 4.0 }, x.Minus(y).data<double>().ToArray());
        Assert.Equal(new[] { -1.5, 1.0, 3.5 }, x.Plus(0.5).data<double>().ToArray());
        Assert.Equal(new[] { 3.0, 0.5, -2.0 }, x.SubtractedFrom(1).data<double>().ToArray());
        Assert.Equal(new[] { -4.0, 1.0, 6.0 }, x.Times(2).data<double>().ToArray());
        Assert.Equal(new[] { -1.0, 0.25, 1.5 }, x.DividedBy(2).data<double>().ToArray());
        Assert.Equal(new[] { 4.0, 0.25, 9.0 }, x.Power(2).data<double>().ToArray());
        Assert.Equal(new[] { true, false, false }, x.LessThan(0).data<bool>().ToArray());
        Assert.Equal(new[] { false, false, true }, x.GreaterThan(0.5).data<bool>().ToArray());
        Assert.Equal(new[] { false, true, true }, x.AtLeastValue(0.5).data<bool>().ToArray());
        Assert.Equal(new[] { 0.0, 0.5, 3.0 }, x.AtLeast(0.0).data<double>().ToArray());
        Assert.Equal(new[] { -2.0, 0.5, 1.0 }, x.AtMost(1.0).data<double>().ToArray());
        Assert.Equal(new[] { -1.0, 0.5, 1.0 }, x.Between(-1, 1).data<double>().ToArray());
        Assert.Equal(new[] { 9.0, 0.5, 9.0 }, x.MaskedWith(x.abs().GreaterThan(1), 9).data<double>().ToArray());
        Assert.Equal(new[] { 7.0, 0.5, 7.0 }, x.WhereElse(x.abs().LessThan(1), 7).data<double>().ToArray());
        Assert.Equal(new[] { 5.0, 5.0, 5.0 }, x.clone().FillWith(5).data<double>().ToArray());

        // Integer tensors stay integer (index arithmetic for index_select).
        var shifted = index.Plus(2L).AtMost(4L).AtLeast(3L);
        Assert.Equal(torch.ScalarType.Int64, shifted.dtype);
        Assert.Equal(new[] { 3L, 3L, 4L, 4L, 4L }, shifted.data<long>().ToArray());
    }

    [Fact]
    public async Task Results_stay_right_while_collections_and_finalizers_run_continuously()
    {
        // The failure these methods prevent: a collection during the native call finalizing the scalar under it.
        await using (ContinuousCollection.Start(TestContext.Current.CancellationToken))
        {
            for (var i = 0; i < 10000; i++)
            {
                using var scope = torch.NewDisposeScope();
                var x = torch.tensor(Enumerable.Repeat((double)i, 64).ToArray());
                var y = x.Plus(1.5).Times(2).Plus(x).SubtractedFrom(10).AtLeast(-1e9).DividedBy(3);
                var expected = (10 - (((i + 1.5) * 2) + i)) / 3;
                Assert.Equal(expected, y[0].item<double>(), 9);
            }
        }
    }
}
