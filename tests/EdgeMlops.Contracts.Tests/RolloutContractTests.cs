using System.Text.Json;

namespace EdgeMlops.Contracts.Tests;

/// <summary>The desired "model" property and the deployment and shadow reports a box sends back.</summary>
public sealed class RolloutContractTests
{
    private static readonly string Sha = new('a', 64);

    private static DesiredModel Model() => new("vehicle-classifier", "2.0.0", Sha, "http://hub.local:8080", "r-7", 120,
        new DesiredChallenger("vehicle-classifier", "2.1.0-rc.1", new string('b', 64), 0.25));

    private static DesiredState WithModel(JsonElement value) =>
        new("box-07", 3, DateTimeOffset.UnixEpoch, new Dictionary<string, JsonElement> { [DesiredModel.PropertyName] = value });

    [Fact]
    public void DesiredModelSurvivesTheTripThroughADesiredState()
    {
        var state = WithModel(Model().ToProperty());
        var wire = JsonSerializer.SerializeToUtf8Bytes(state, ContractsJsonContext.Default.DesiredState);

        Assert.True(ContractReader.TryReadDesiredState(wire, out var read, out var rejection), rejection?.ToString());
        Assert.True(DesiredModel.TryRead(read, out var model, out var problem), problem);
        Assert.Equal(Model(), model);
    }

    [Fact]
    public void AStateWithoutAModelPropertyIsNotAProblem()
    {
        var state = new DesiredState("box-07", 1, DateTimeOffset.UnixEpoch, new Dictionary<string, JsonElement>());

        Assert.False(DesiredModel.TryRead(state, out var model, out var problem));
        Assert.Null(model);
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("""{"name":"m","version":"1.0.0","manifestSha256":"ABC","source":"http://h"}""", "model.manifestSha256 must be 64 lowercase hex")]
    [InlineData("""{"name":"m","version":"1.0.0","manifestSha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","source":"file:///etc/passwd"}""", "model.source must be an absolute http or https URL")]
    [InlineData("""{"name":" ","version":"1.0.0","manifestSha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","source":"http://h"}""", "model.name is missing or blank")]
    [InlineData("""{"name":"m","version":"1.0.0","manifestSha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","source":"http://h","challenger":{"name":"m","version":"2","manifestSha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","share":1.5}}""", "model.challenger.share must be in (0, 1]")]
    [InlineData("""{"name":"m","version":"1.0.0","source":"http://h"}""", "model:")]
    [InlineData("""[1,2]""", "model:")]
    [InlineData("""{"name":"../../opt","version":"1.0.0","manifestSha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","source":"http://h"}""", "model.name: the model name contains '/'")]
    [InlineData("""{"name":"m","version":"..","manifestSha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","source":"http://h"}""", "model.version: the model version starts with '.'")]
    public void AMalformedModelPropertyIsRefusedWithTheField(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.False(DesiredModel.TryRead(WithModel(document.RootElement), out var model, out var problem));
        Assert.Null(model);
        Assert.NotNull(problem);
        Assert.StartsWith(expected, problem);
    }

    [Fact]
    public void ADeploymentReportTravelsInTheReportedStateWithItsStateSpelledOut()
    {
        var deployment = new ModelDeploymentReport("vehicle-classifier", "2.0.0", ModelDeploymentState.RolledBack, DateTimeOffset.UnixEpoch,
            "r-7", "probation: p99 latency 41 ms over the 30 ms budget", PreviousVersion: "1.0.0");
        var shadow = new ShadowReport("vehicle-classifier", "2.1.0", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1), 120, 0.9, 0.8, 0.7, 12.5);
        var reported = new ReportedState("box-07", DateTimeOffset.UnixEpoch, "vehicle-classifier", "1.0.0", new OutboxBacklog(1, 0, 0, null, 0), 3, deployment, shadow);
        var wire = JsonSerializer.SerializeToUtf8Bytes(reported, ContractsJsonContext.Default.ReportedState);

        Assert.Contains("\"state\":\"rolled-back\"", System.Text.Encoding.UTF8.GetString(wire));
        Assert.True(ContractReader.TryReadReportedState(wire, out var read, out var rejection), rejection?.ToString());
        Assert.Equal(deployment, read.Deployment);
        Assert.Equal(shadow, read.Shadow);
    }

    [Fact]
    public void AReportedStateFromBeforeDeploymentsStillReads()
    {
        var wire = """{"v":1,"deviceId":"box-07","at":"2026-01-01T00:00:00+00:00","modelName":"m","modelVersion":"1","outbox":{"epoch":1,"lastIssuedSeq":0,"pending":0,"oldestPendingSeq":null,"evicted":0}}"""u8;

        Assert.True(ContractReader.TryReadReportedState(wire, out var read, out var rejection), rejection?.ToString());
        Assert.Null(read.Deployment);
    }

    [Fact]
    public void ADeploymentReasonOverItsLimitIsRefused()
    {
        var deployment = new ModelDeploymentReport("m", "2", ModelDeploymentState.Failed, DateTimeOffset.UnixEpoch, Reason: new string('x', FieldLimits.ReasonLength + 1));
        var reported = new ReportedState("box-07", DateTimeOffset.UnixEpoch, "m", "1", new OutboxBacklog(1, 0, 0, null, 0), null, deployment);

        Assert.StartsWith("deployment.reason is", ContractValidator.FindProblem(reported));
    }

    [Fact]
    public void DownloadPathsEscapeTheNameAndVersion()
    {
        Assert.Equal("/device/v1/models/vehicle-classifier/2.0.0-rc.1/manifest", ModelDownloadPaths.Manifest("vehicle-classifier", "2.0.0-rc.1"));
        Assert.Equal($"/device/v1/models/a%2Fb/1/files/{Sha}", ModelDownloadPaths.File("a/b", "1", Sha));
    }
}
