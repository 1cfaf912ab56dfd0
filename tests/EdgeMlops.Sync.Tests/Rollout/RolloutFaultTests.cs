using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EdgeMlops.Sync.Tests.Reliability;
using EdgeMlops.Sync.Tests.Support;

namespace EdgeMlops.Sync.Tests.Rollout;

/// <summary>
/// Issue 10's failures, all real processes (hub, broker, agents): what a box does when the package it is sent is bad,
/// too big, or cut off on the way, and who the hub refuses. Every failure ends with a reason reported and the old
/// model still serving; every interruption ends with the new model serving.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class RolloutFaultTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_package_tampered_in_the_hubs_blob_store_is_refused_by_the_box_with_the_reason_and_v1_keeps_serving()
    {
        using var rig = await FleetRig.StartAsync(1, "site=tamper");
        await rig.StartAgentsAsync();
        var box = rig.Agents[0];
        var model = await RolloutFaultPackage.ModelFileAsync();
        // One byte flipped in the stored ONNX file: the hub serves it under its old hash, as a corrupted disk would.
        var blob = Path.Combine(Path.GetDirectoryName(rig.Hub.DatabasePath)!, "models", "blobs", model.Sha256);
        var bytes = await File.ReadAllBytesAsync(blob);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(blob, bytes);

        var id = await rig.CreateRolloutAsync(new { model = FleetRig.ModelName, version = FleetRig.V2, devices = new[] { box.DeviceId }, canary = 1, window = Window });

        await rig.WaitForDeploymentAsync(box, FleetRig.V2, "failed");
        var reason = rig.ReportedDeployment(box)!.Value.GetProperty("reason").GetString();
        Assert.Contains("model.onnx", reason);
        Assert.Contains("SHA-256", reason, StringComparison.OrdinalIgnoreCase);
        var rollout = await rig.WaitForRolloutAsync(id, "aborted");
        // The canary failed, so the rollout aborted and put the box's desired model back; the reason stays on record.
        Assert.Contains("SHA-256", rollout.GetProperty("devices")[0].GetProperty("reason").GetString());
        Assert.Equal(FleetRig.V1, rig.ServedVersion(box));
        await rig.WaitForEventFromAsync(box, FleetRig.V1, afterSeq: LastSeq(rig, box));
    }

    [Fact]
    public async Task A_disk_budget_too_small_for_the_new_version_fails_the_deployment_naming_the_budget_and_v1_keeps_serving()
    {
        using var rig = await FleetRig.StartAsync(1, "site=budget");
        await rig.StartAgentsAsync(FleetAgent.DefaultCamera, "--Model:DiskBudgetBytes=4096");
        var box = rig.Agents[0];

        await rig.CreateRolloutAsync(new { model = FleetRig.ModelName, version = FleetRig.V2, selector = "site=budget", window = Window });

        await rig.WaitForDeploymentAsync(box, FleetRig.V2, "failed");
        var reason = rig.ReportedDeployment(box)!.Value.GetProperty("reason").GetString();
        Assert.Contains("DiskBudgetBytes", reason);
        Assert.Equal(FleetRig.V1, rig.ServedVersion(box));
        // Nothing of v2 landed: the budget is checked before the download.
        Assert.False(Directory.Exists(Path.Combine(box.StateDirectory, "versions", FleetRig.ModelName, FleetRig.V2)));
        await rig.WaitForEventFromAsync(box, FleetRig.V1, afterSeq: LastSeq(rig, box));
    }

    [Fact]
    public async Task A_device_may_download_only_what_its_desired_state_names_with_its_own_credential()
    {
        using var rig = await FleetRig.StartAsync(2, "site=gate");
        var (box, other) = (rig.Agents[0], rig.Agents[1]);
        // box's desired state names v1 (a rollout onto a box that is not running writes it all the same).
        await rig.CreateRolloutAsync(new { model = FleetRig.ModelName, version = FleetRig.V1, devices = new[] { box.DeviceId }, window = Window });
        await Eventually.HoldsAsync(() => rig.DesiredVersion(box) == FleetRig.V1, "box-1's desired state to name v1", TimeSpan.FromSeconds(30));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{rig.Hub.HttpPort}") };
        var v1 = $"/device/v1/models/{FleetRig.ModelName}/{FleetRig.V1}/manifest";
        var v2 = $"/device/v1/models/{FleetRig.ModelName}/{FleetRig.V2}/manifest";

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, v1, box.DeviceId, box.Secret));
        var refused = await SendAsync(http, v2, box.DeviceId, box.Secret);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("does not name", refused.Body);
        // Another enrolled device whose desired state names nothing, and a wrong or missing credential.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(http, v1, other.DeviceId, other.Secret));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, v1, box.DeviceId, other.Secret));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, v1, null, null));
        // An operator token is no device credential.
        using var asOperator = new HttpRequestMessage(HttpMethod.Get, v1);
        asOperator.Headers.Authorization = rig.Api.DefaultRequestHeaders.Authorization;
        using var operatorAnswer = await http.SendAsync(asOperator);
        Assert.Equal(HttpStatusCode.Unauthorized, operatorAnswer.StatusCode);
    }

    [Fact]
    public async Task Creating_a_rollout_needs_an_operator_token_unauthenticated_is_401_viewer_is_403_and_nothing_is_created()
    {
        using var rig = await FleetRig.StartAsync(1, "site=roles");
        var body = new { model = FleetRig.ModelName, version = FleetRig.V2, selector = "site=roles" };
        using var anonymous = new HttpClient { BaseAddress = rig.Api.BaseAddress };
        using (var answer = await anonymous.PostAsJsonAsync("/api/rollouts", body))
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        using var viewer = new HttpClient { BaseAddress = rig.Api.BaseAddress };
        using (var token = JsonDocument.Parse(rig.Hub.Cli("operator", "add", "fault-viewer", "--role", "viewer")))
            viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.RootElement.GetProperty("token").GetString());
        using (var answer = await viewer.PostAsJsonAsync("/api/rollouts", body))
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        using (var answer = await viewer.PostAsync("/api/rollouts/1/rollback", null))
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        using (var answer = await viewer.GetAsync("/api/rollouts"))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.DoesNotContain(FleetRig.V2, await answer.Content.ReadAsStringAsync());
        }
        Assert.Null(rig.DesiredVersion(rig.Agents[0]));
    }

    [Fact]
    public async Task A_hub_unreachable_mid_download_is_retried_and_the_download_resumes_with_Range_when_it_is_back()
    {
        using var download = await SlowDownload.StartMidwayAsync("site=link", "--Model:RetryInitialDelay=00:00:00.500", "--Model:RetryMaxDelay=00:00:01");
        var (rig, link, box, id) = (download.Rig, download.Link, download.Box, download.RolloutId);
        link.GoDown();
        await box.Process.WaitForLogAsync("retrying in", TimeSpan.FromSeconds(30), times: 2);
        link.ComeBack();

        await rig.WaitForRolloutAsync(id, "completed");
        await rig.WaitUntilServingAsync(box, FleetRig.V2);
        Assert.Contains("Resuming model.onnx at byte", box.Log);
        Assert.Equal(1, box.Starts);
    }

    [Fact]
    public async Task A_hub_killed_mid_download_and_restarted_lets_the_box_resume_with_Range_and_complete()
    {
        using var download = await SlowDownload.StartMidwayAsync("site=hubkill", "--Model:RetryInitialDelay=00:00:00.500", "--Model:RetryMaxDelay=00:00:02");
        var (rig, link, box, id) = (download.Rig, download.Link, download.Box, download.RolloutId);
        rig.Hub.Kill();
        link.GoDown(); // the dead hub's connections go with it, not only once the relay has drained what it buffered
        link.ComeBack();
        await box.Process.WaitForLogAsync("retrying in", TimeSpan.FromSeconds(30));
        await rig.Hub.StartAsync();

        await rig.WaitForRolloutAsync(id, "completed");
        await rig.WaitUntilServingAsync(box, FleetRig.V2);
        Assert.Contains("Resuming model.onnx at byte", box.Log);
    }

    private static long LastSeq(FleetRig rig, FleetAgent box) => rig.StoredEvents(box).Select(e => e.Seq).DefaultIfEmpty(0).Max();

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path, string? deviceId, string? secret) =>
        (await SendAsync(http, path, deviceId, secret)).Status;

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, string path, string? deviceId, string? secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (deviceId is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{deviceId}:{secret}")));
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>What the fault tests need to know about v2's package: its files.</summary>
internal static class RolloutFaultPackage
{
    public static async Task<(string Sha256, long Size)> ModelFileAsync()
    {
        foreach (var file in await FilesAsync())
            if (file.Path == "model.onnx")
                return (file.Sha256, file.Size);
        throw new InvalidOperationException("v2's manifest lists no model.onnx");
    }

    public static async Task<IReadOnlyList<(string Path, string Sha256, long Size)>> FilesAsync()
    {
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(await FleetPackages.V2Async(), "manifest.json")));
        return [.. manifest.RootElement.GetProperty("files").EnumerateArray()
            .Select(f => (f.GetProperty("path").GetString()!, f.GetProperty("sha256").GetString()!, f.GetProperty("size").GetInt64()))];
    }
}

/// <summary>
/// One box part-way through downloading v2: a fleet of one box whose downloads go through a <see cref="RolloutFaultLink"/>
/// slow enough to break mid-file, the rollout of v2 onto it created, returned once about half of model.onnx has passed.
/// </summary>
internal sealed class SlowDownload(FleetRig rig, RolloutFaultLink link, long rolloutId) : IDisposable
{
    /// <summary>Seconds the whole v2 package takes through the link.</summary>
    private const double DownloadSeconds = 12;

    public FleetRig Rig { get; } = rig;
    public RolloutFaultLink Link { get; } = link;
    public FleetAgent Box => Rig.Agents[0];
    public long RolloutId { get; } = rolloutId;

    /// <summary>Starts it all under the tag <paramref name="tag"/>; <paramref name="agentSettings"/> go to the box's agent.</summary>
    public static async Task<SlowDownload> StartMidwayAsync(string tag, params string[] agentSettings)
    {
        var files = (await RolloutFaultPackage.FilesAsync()).DistinctBy(f => f.Sha256).ToList();
        var rate = (int)Math.Max(4096, files.Sum(f => f.Size) / DownloadSeconds);
        RolloutFaultLink? link = null;
        FleetRig? rig = null;
        try
        {
            rig = await FleetRig.StartAsync(1, [tag], hub =>
            {
                link = new RolloutFaultLink(hub.HttpPort, rate);
                return [$"--Hub:Registry:DownloadUrl={link.Url}"];
            });
            await rig.StartAgentsAsync(FleetAgent.DefaultCamera, agentSettings);
            var id = await rig.CreateRolloutAsync(new { model = FleetRig.ModelName, version = FleetRig.V2, selector = tag, window = TimeSpan.FromSeconds(2) });
            // The manifest, then the files in manifest order, model.onnx among them. HTTP headers (a few hundred bytes
            // per file) make the real position a little later: still inside the file. The box's own .part cannot
            // tell: it is written through a buffer larger than the file.
            var model = files.FindIndex(f => f.Path == "model.onnx");
            var midway = new FileInfo(Path.Combine(await FleetPackages.V2Async(), "manifest.json")).Length
                         + files.Take(model).Sum(f => f.Size) + files[model].Size / 2;
            await Eventually.HoldsAsync(() => link!.BytesRelayed >= midway,
                () => $"the download to pass byte {midway} (at {link!.BytesRelayed})\n{rig.Logs()}", TimeSpan.FromSeconds(90));
            return new SlowDownload(rig, link!, id);
        }
        catch
        {
            link?.Dispose();
            rig?.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Link.Dispose();
        Rig.Dispose();
    }
}
