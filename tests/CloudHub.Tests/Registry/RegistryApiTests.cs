using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Registry;

public sealed class RegistryApiTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private InProcessHub _hub = null!;

    public async Task InitializeAsync() => _hub = await InProcessHub.StartAsync(settings: TestPackages.TrustDevKey);

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _temp.Dispose();
    }

    private Task<HttpResponseMessage> PostZipAsync(HttpClient client, string packageDirectory, string query = "")
    {
        var zip = TestPackages.Zip(packageDirectory, _temp.File($"{Guid.NewGuid():N}.zip"));
        var content = new ByteArrayContent(File.ReadAllBytes(zip));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return client.PostAsync($"/api/models{query}", content);
    }

    [Fact]
    public async Task An_operator_registers_a_zip_and_a_viewer_reads_it_back()
    {
        using var response = await PostZipAsync(_hub.ClientAs(OperatorRole.Operator), RepositoryPaths.SeedModel, "?notes=seed%20release");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var viewer = _hub.ClientAs(OperatorRole.Viewer);
        var version = await viewer.GetFromJsonAsync<JsonElement>("/api/models/vehicle-classifier/1.0.0");
        Assert.Equal("seed release", version.GetProperty("notes").GetString());
        Assert.Equal("operator", version.GetProperty("registeredBy").GetString());
        Assert.Contains(version.GetProperty("files").EnumerateArray(), f => f.GetProperty("path").GetString() == "model.onnx");
        var list = await viewer.GetFromJsonAsync<JsonElement>("/api/models");
        Assert.Equal("1.0.0", list.EnumerateArray().Single().GetProperty("versions").EnumerateArray().Single().GetString());
        using var again = await PostZipAsync(_hub.ClientAs(OperatorRole.Operator), RepositoryPaths.SeedModel);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Registering_needs_an_operator_token()
    {
        using var anonymous = await PostZipAsync(_hub.Client, RepositoryPaths.SeedModel);
        using var viewer = await PostZipAsync(_hub.ClientAs(OperatorRole.Viewer), RepositoryPaths.SeedModel);

        await ProblemResponse.AssertAsync(anonymous, HttpStatusCode.Unauthorized);
        await ProblemResponse.AssertAsync(viewer, HttpStatusCode.Forbidden);
        Assert.Empty(_hub.Get<ModelVersionBook>().All());
    }

    [Fact]
    public async Task A_refused_package_is_a_422_naming_the_check_and_the_file_and_other_content_under_a_version_is_a_409()
    {
        var operatorClient = _hub.ClientAs(OperatorRole.Operator);
        var wrongLabels = TestPackages.Write(_temp.File("labels"), draft => draft with { Labels = [.. draft.Labels, "pickup"] });
        using var refused = await PostZipAsync(operatorClient, wrongLabels);
        using var first = await PostZipAsync(operatorClient, RepositoryPaths.SeedModel);
        var other = TestPackages.Write(_temp.File("other"), draft => draft with { Lineage = draft.Lineage with { Notes = "retrained" } });
        using var conflict = await PostZipAsync(operatorClient, other);

        var problem = await ProblemResponse.AssertAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("graph", problem.GetProperty("check").GetString());
        Assert.Equal("model.onnx", problem.GetProperty("file").GetString());
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var conflictProblem = await ProblemResponse.AssertAsync(conflict, HttpStatusCode.Conflict);
        Assert.Equal("immutable", conflictProblem.GetProperty("check").GetString());
    }

    [Fact]
    public async Task Alias_moves_need_a_registered_version_and_a_reason_and_are_audited_and_listed_in_the_history()
    {
        var operatorClient = _hub.ClientAs(OperatorRole.Operator);
        using (await PostZipAsync(operatorClient, RepositoryPaths.SeedModel)) { }
        using (await PostZipAsync(operatorClient, TestPackages.Write(_temp.File("v2"), draft => draft with { Version = "1.1.0" }))) { }

        using var toV1 = await operatorClient.PutAsJsonAsync("/api/models/vehicle-classifier/aliases/production", new { version = "1.0.0", reason = "first release" });
        using var toV2 = await operatorClient.PutAsJsonAsync("/api/models/vehicle-classifier/aliases/production", new { version = "1.1.0", reason = "canary passed" });
        using var unknown = await operatorClient.PutAsJsonAsync("/api/models/vehicle-classifier/aliases/production", new { version = "9.9.9", reason = "typo" });
        using var noReason = await operatorClient.PutAsJsonAsync("/api/models/vehicle-classifier/aliases/production", new { version = "1.0.0" });
        using var byViewer = await _hub.ClientAs(OperatorRole.Viewer).PutAsJsonAsync("/api/models/vehicle-classifier/aliases/production", new { version = "1.0.0", reason = "x" });

        Assert.Equal(HttpStatusCode.OK, toV1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, toV2.StatusCode);
        await ProblemResponse.AssertAsync(unknown, HttpStatusCode.NotFound);
        await ProblemResponse.AssertAsync(noReason, HttpStatusCode.BadRequest);
        await ProblemResponse.AssertAsync(byViewer, HttpStatusCode.Forbidden);
        var history = await _hub.ClientAs(OperatorRole.Viewer).GetFromJsonAsync<JsonElement>("/api/models/vehicle-classifier/aliases/history");
        var moves = history.EnumerateArray().Select(m => (m.GetProperty("from").GetString(), m.GetProperty("to").GetString(), m.GetProperty("operator").GetString(), m.GetProperty("reason").GetString())).ToList();
        Assert.Equal([(null, "1.0.0", "operator", "first release"), ("1.0.0", "1.1.0", "operator", "canary passed")], moves);
        Assert.Equal("1.1.0", _hub.Get<IModelCatalog>().Resolve("vehicle-classifier", "production")?.Version);
        var audit = _hub.Get<AuditLog>().Page(null, 50).Where(e => e.Action == ModelAliases.MoveAction).ToList();
        Assert.Contains(audit, e => e is { Actor: "operator", Target: "vehicle-classifier@production", Outcome: "ok: 1.0.0 -> 1.1.0" });
        Assert.Contains(audit, e => e.Outcome.StartsWith("refused:", StringComparison.Ordinal) && e.Outcome.Contains("9.9.9"));

        using var removed = await operatorClient.DeleteAsync("/api/models/vehicle-classifier/aliases/production?reason=withdrawn");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Null(_hub.Get<IModelCatalog>().Resolve("vehicle-classifier", "production"));
    }

    [Fact]
    public async Task The_catalog_names_the_address_the_hub_serves_downloads_on()
    {
        Assert.Equal(_hub.BaseAddress.ToString().TrimEnd('/'), _hub.Get<IModelCatalog>().DownloadSource);
    }
}
