using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Registry;

public sealed class DeviceDownloadTests : IAsyncLifetime
{
    private const string Device = "box-1";
    private InProcessHub _hub = null!;
    private string _secret = "";
    private RegisteredVersion _seed = null!;

    public async Task InitializeAsync()
    {
        _hub = await InProcessHub.StartAsync(settings: TestPackages.TrustDevKey);
        _secret = _hub.Enroll(Device);
        _seed = (await _hub.Get<ModelRegistration>().RegisterAsync(RepositoryPaths.SeedModel, "alice", null, CancellationToken.None)).Version;
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    private HttpClient DeviceClient(string secret = "")
    {
        var client = new HttpClient { BaseAddress = new Uri(_hub.Get<IModelCatalog>().DownloadSource) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Device}:{(secret.Length > 0 ? secret : _secret)}")));
        return client;
    }

    private Task Desire(string name, string version) =>
        _hub.Get<DesiredStateBook>().SetPropertyAsync(Device, DesiredModel.PropertyName,
            new DesiredModel(name, version, _seed.ManifestSha256, _hub.Get<IModelCatalog>().DownloadSource).ToProperty(), CancellationToken.None);

    private string ModelFileSha => _hub.Get<ModelVersionBook>().Files("vehicle-classifier", "1.0.0").Single(f => f.Path == "model.onnx").Sha256;

    [Fact]
    public async Task A_device_downloads_the_fleet_manifest_and_resumes_a_file_with_range()
    {
        await Desire("vehicle-classifier", "1.0.0");
        using var client = DeviceClient();

        var manifest = await client.GetByteArrayAsync(ModelDownloadPaths.Manifest("vehicle-classifier", "1.0.0"));
        var path = ModelDownloadPaths.File("vehicle-classifier", "1.0.0", ModelFileSha);
        using var head = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Range = new RangeHeaderValue(0, 999) } };
        using var first = await client.SendAsync(head);
        var firstPart = await first.Content.ReadAsByteArrayAsync();
        using var tail = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Range = new RangeHeaderValue(1000, null) } };
        using var rest = await client.SendAsync(tail);
        var restPart = await rest.Content.ReadAsByteArrayAsync();

        Assert.Equal(_seed.ManifestSha256, Convert.ToHexStringLower(SHA256.HashData(manifest)));
        Assert.Equal(HttpStatusCode.PartialContent, first.StatusCode);
        Assert.Equal(1000, firstPart.Length);
        Assert.Equal(HttpStatusCode.PartialContent, rest.StatusCode);
        Assert.Equal(ModelFileSha, Convert.ToHexStringLower(SHA256.HashData([.. firstPart, .. restPart])));
        // Counted once each response has completed, which may be just after the client has read it.
        await Eventually.HoldsAsync(() => _hub.Get<RegistryMetrics>().DownloadBytes == manifest.Length + firstPart.Length + restPart.Length,
            "the bytes served are counted");
    }

    [Fact]
    public async Task A_wrong_secret_or_no_credential_is_a_401()
    {
        await Desire("vehicle-classifier", "1.0.0");
        using var wrong = DeviceClient(secret: "not-the-secret");
        using var none = new HttpClient { BaseAddress = _hub.BaseAddress };

        using var wrongAnswer = await wrong.GetAsync(ModelDownloadPaths.Manifest("vehicle-classifier", "1.0.0"));
        using var noneAnswer = await none.GetAsync(ModelDownloadPaths.File("vehicle-classifier", "1.0.0", ModelFileSha));

        await ProblemResponse.AssertAsync(wrongAnswer, HttpStatusCode.Unauthorized);
        await ProblemResponse.AssertAsync(noneAnswer, HttpStatusCode.Unauthorized);
        Assert.Contains("Basic", wrongAnswer.Headers.WwwAuthenticate.ToString());
        Assert.Equal(2, _hub.Get<RegistryMetrics>().DownloadsRefused(DownloadRefusal.BadCredential));
    }

    [Fact]
    public async Task A_version_the_desired_state_does_not_name_is_a_403_and_an_unknown_file_a_404()
    {
        using var client = DeviceClient();
        using var beforeAnyDesire = await client.GetAsync(ModelDownloadPaths.Manifest("vehicle-classifier", "1.0.0"));
        await Desire("vehicle-classifier", "2.0.0");
        using var otherVersion = await client.GetAsync(ModelDownloadPaths.File("vehicle-classifier", "1.0.0", ModelFileSha));
        await Desire("vehicle-classifier", "1.0.0");
        using var unknownFile = await client.GetAsync(ModelDownloadPaths.File("vehicle-classifier", "1.0.0", new string('a', 64)));

        await ProblemResponse.AssertAsync(beforeAnyDesire, HttpStatusCode.Forbidden);
        await ProblemResponse.AssertAsync(otherVersion, HttpStatusCode.Forbidden);
        await ProblemResponse.AssertAsync(unknownFile, HttpStatusCode.NotFound);
        Assert.Equal(2, _hub.Get<RegistryMetrics>().DownloadsRefused(DownloadRefusal.NotDesired));
    }
}
