using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AudioMix.Web.Tests.Infrastructure;

namespace AudioMix.Web.Tests.Security;

/// <summary>
/// Ids in a request body are not covered by the route groups' ownership check: job submission and the preflight
/// (<c>POST /api/jobs/validate</c>) go through <c>JobSubmissions</c>, which checks the dataset before the preflight's
/// capacity answer could tell another owner that the dataset exists.
/// </summary>
public sealed partial class AccessMatrixTests
{
    [Fact]
    public async Task Another_owners_dataset_in_a_job_body_answers_as_a_dataset_that_does_not_exist()
    {
        var ct = TestContext.Current.CancellationToken;
        var writer = await SecuredPlatform.CreateKeyAsync(Factory, "alpha writer", "writer", "alpha", ct);
        var other = await SecuredPlatform.CreateKeyAsync(Factory, "beta writer", "writer", "beta", ct);
        using var alpha = SecuredPlatform.Client(Factory, writer.Key);
        using var beta = SecuredPlatform.Client(Factory, other.Key);
        var data = await OwnedDataAsync(alpha, ct);

        foreach (var path in new[] { "/api/jobs/validate", "/api/jobs" })
        {
            // Two uncaptioned items supply no caption mixes: seen, this would be a 400 naming the capacity.
            var theirs = await beta.PostAsync(path, Body(data.DatasetId), ct);
            var unknown = await beta.PostAsync(path, Body("000000000000"), ct);
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            var detail = (await theirs.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString();
            Assert.Equal($"Dataset {data.DatasetId} does not exist.", detail);

            // The owner gets the real answer.
            Assert.Equal(HttpStatusCode.BadRequest, (await alpha.PostAsync(path, Body(data.DatasetId), ct)).StatusCode);
        }

        Assert.Equal("[]", await beta.GetStringAsync("/api/jobs", ct));

        static HttpContent Body(string datasetId) =>
            RestScenario.Json($$$"""{"datasetId": "{{{datasetId}}}", "seed": 1, "operations": [{"op": "caption_mix", "params": {"count": 5}}]}""");
    }
}
