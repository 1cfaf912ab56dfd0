using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Hosting;

/// <summary>
/// The takeover of issue 9 against the real hub process, as a client the project did not write would try it: without a
/// token, or with a viewer's, nobody enrolls, re-keys or deletes a device or reads its records; an admin can, and the
/// audit log says who did; a token revoked meanwhile is refused at once.
/// </summary>
public sealed class ApiTakeoverTests
{
    [Fact]
    public async Task Only_an_admin_token_enrolls_rekeys_and_deletes_devices_and_each_change_is_audited_with_its_name()
    {
        using var directory = new TempDirectory();
        Assert.Equal(0, (await HubProgram.RunAsync(directory.Path, "device", "enroll", "box-1", "--db", "hub.db")).ExitCode);
        var viewerToken = await HubProgram.AddOperatorAsync(directory.Path, "vera", "viewer");
        var adminToken = await HubProgram.AddOperatorAsync(directory.Path, "alice", "admin");
        var http = FreeTcpPort.Next();
        using var hub = HubProgram.Start(directory.Path, "--db", "hub.db", "--mqtt-listen", $"127.0.0.1:{FreeTcpPort.Next()}", "--http", $"http://127.0.0.1:{http}");
        await hub.WaitForLogAsync("Hub ready:", TimeSpan.FromSeconds(60));
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
        using var viewer = Client(http, viewerToken);
        using var admin = Client(http, adminToken);

        foreach (var response in await TakeOverAsync(anonymous))
            await ProblemResponse.AssertAsync(response, HttpStatusCode.Unauthorized);
        foreach (var response in (await TakeOverAsync(viewer)).Take(3))
            await ProblemResponse.AssertAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/devices/box-1/events")).StatusCode);

        var (enroll, rotate, delete) = (await admin.PostAsJsonAsync("/api/devices", new { deviceId = "box-2" }),
            await admin.PostAsJsonAsync("/api/devices?rotate=true", new { deviceId = "box-1" }),
            await admin.DeleteAsync("/api/devices/box-1"));
        Assert.Equal(HttpStatusCode.Created, enroll.StatusCode);
        Assert.Equal(HttpStatusCode.Created, rotate.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/audit");
        var entries = audit.GetProperty("items").EnumerateArray()
            .Select(e => $"{e.GetProperty("actor").GetString()} {e.GetProperty("action").GetString()} {e.GetProperty("target").GetString()} {e.GetProperty("outcome").GetString()}")
            .ToList();
        Assert.Equal("alice device.revoke box-1 ok", entries[0]);
        Assert.Equal("alice device.rotate box-1 ok", entries[1]);
        Assert.Equal("alice device.enroll box-2 ok", entries[2]);
        Assert.Contains(entries, e => e.StartsWith($"cli:{Environment.UserName} device.enroll box-1 ok", StringComparison.Ordinal));

        // A token revoked with the CLI beside the running hub is refused from the next request on.
        Assert.Equal(0, (await HubProgram.RunAsync(directory.Path, "operator", "revoke", "vera", "--db", "hub.db")).ExitCode);
        await ProblemResponse.AssertAsync(await viewer.GetAsync("/api/devices"), HttpStatusCode.Unauthorized);

        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/devices");
        forged.Headers.Host = "rebound.attacker.example";
        var refused = await ProblemResponse.AssertAsync(await admin.SendAsync(forged), HttpStatusCode.BadRequest);
        Assert.Contains("Hub:Http:AllowedHosts", refused.GetProperty("detail").GetString());
    }

    /// <summary>Enroll, re-key, delete, then read events and samples: the changes first.</summary>
    private static async Task<HttpResponseMessage[]> TakeOverAsync(HttpClient client) =>
    [
        await client.PostAsJsonAsync("/api/devices", new { deviceId = "intruder" }),
        await client.PostAsJsonAsync("/api/devices?rotate=true", new { deviceId = "box-1" }),
        await client.DeleteAsync("/api/devices/box-1"),
        await client.GetAsync("/api/devices/box-1/events"),
        await client.GetAsync("/api/devices/box-1/samples"),
    ];

    private static HttpClient Client(int port, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
