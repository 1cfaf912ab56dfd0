using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Api;

public sealed class HubApiTests : IAsyncLifetime
{
    private const string Device = "box-1";
    private InProcessHub _host = null!;

    public async Task InitializeAsync() => _host = await InProcessHub.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient Client => _host.ClientAs(OperatorRole.Admin);

    private async Task IngestEvents(int count, Func<long, string>? camera = null)
    {
        var ingest = _host.Get<IMessageIngest>();
        for (var first = 1; first <= count; first += 100)
        {
            var result = await ingest.IngestAsync(Topics.Telemetry(Device),
                Payloads.EventBatch(Device, 5, first, Math.Min(100, count - first + 1), camera), CancellationToken.None);
            Assert.Equal(IngestStatus.Stored, result.Status);
        }
    }

    [Fact]
    public async Task Paging_by_cursor_lists_every_event_once()
    {
        _host.Get<IDeviceRegistry>().Enroll(Device);
        await IngestEvents(250);

        var seqs = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Client.GetFromJsonAsync<JsonElement>(
                $"/api/devices/{Device}/events?limit=40" + (cursor is null ? "" : $"&cursor={cursor}"));
            seqs.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("seq").GetInt64()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null);

        Assert.Equal(7, pages);
        Assert.Equal(Enumerable.Range(1, 250).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task Events_are_filtered_by_camera_and_time_range()
    {
        _host.Get<IDeviceRegistry>().Enroll(Device);
        await IngestEvents(100, seq => seq % 2 == 0 ? "cam-even" : "cam-odd");
        // Event seq n was last seen at Time0 + n s + 800 ms: [from, to) below holds seqs 10..19.
        var from = Payloads.Time0.AddSeconds(10).ToString("O");
        var to = Payloads.Time0.AddSeconds(20).ToString("O");

        var page = await Client.GetFromJsonAsync<JsonElement>(
            $"/api/devices/{Device}/events?camera=cam-even&from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}");

        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([10L, 12, 14, 16, 18], items.Select(i => i.GetProperty("seq").GetInt64()));
        Assert.All(items, i => Assert.Equal("cam-even", i.GetProperty("cameraId").GetString()));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        var first = items[0];
        Assert.Equal(Payloads.Time0.AddSeconds(10).AddMilliseconds(800), first.GetProperty("time").GetDateTimeOffset());
        Assert.Equal(Device, first.GetProperty("event").GetProperty("deviceId").GetString());
        Assert.Equal("car", first.GetProperty("label").GetString());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=06/01/2025", "from")]
    [InlineData("to=2025-13-45T00:00:00Z", "to")]
    [InlineData("from=2025-06-02T00:00:00Z&to=2025-06-01T00:00:00Z", "to")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("camera=", "camera")]
    public async Task Bad_listing_parameters_are_problem_details_naming_the_parameter(string query, string parameter)
    {
        _host.Get<IDeviceRegistry>().Enroll(Device);

        var response = await Client.GetAsync($"/api/devices/{Device}/events?{query}");

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Contains(parameter, problem.GetProperty("title").GetString());
        Assert.Contains(parameter, problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Theory]
    [InlineData("/api/devices/ghost")]
    [InlineData("/api/devices/ghost/events")]
    [InlineData("/api/devices/ghost/stats")]
    [InlineData("/api/devices/ghost/samples")]
    [InlineData("/api/devices/ghost/samples/1/1/image")]
    public async Task An_unknown_device_is_a_404_problem(string path)
    {
        var problem = await AssertProblem(await Client.GetAsync(path), HttpStatusCode.NotFound);

        Assert.Contains("ghost", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_invalid_device_id_is_a_400_problem()
    {
        var problem = await AssertProblem(await Client.GetAsync("/api/devices/a+b/events"), HttpStatusCode.BadRequest);

        Assert.Contains("deviceId", problem.GetProperty("detail").GetString() + problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_device_enrolled_through_the_api_verifies_with_the_secret_shown_once_and_can_be_revoked()
    {
        var response = await Client.PostAsJsonAsync("/api/devices", new { deviceId = "box-7" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/devices/box-7", response.Headers.Location?.OriginalString);
        var enrollment = await response.Content.ReadFromJsonAsync<JsonElement>();
        var secret = enrollment.GetProperty("secret").GetString()!;
        Assert.Equal("box-7", enrollment.GetProperty("deviceId").GetString());
        var registry = _host.Get<IDeviceRegistry>();
        Assert.True(registry.Verify("box-7", secret));

        var device = await Client.GetFromJsonAsync<JsonElement>("/api/devices/box-7");
        Assert.True(device.GetProperty("enrolled").GetBoolean());
        Assert.DoesNotContain(secret, device.GetRawText());

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/api/devices/box-7")).StatusCode);
        Assert.False(registry.Verify("box-7", secret));
        await AssertProblem(await Client.DeleteAsync("/api/devices/box-7"), HttpStatusCode.NotFound);
        var revoked = await Client.GetFromJsonAsync<JsonElement>("/api/devices/box-7");
        Assert.False(revoked.GetProperty("enrolled").GetBoolean());
    }

    [Fact]
    public async Task Enrolling_an_enrolled_device_again_is_a_409_unless_rotate_is_asked_for()
    {
        var first = await (await Client.PostAsJsonAsync("/api/devices", new { deviceId = "box-7" })).Content.ReadFromJsonAsync<JsonElement>();
        var secret = first.GetProperty("secret").GetString()!;
        var registry = _host.Get<IDeviceRegistry>();

        var again = await Client.PostAsJsonAsync("/api/devices", new { deviceId = "box-7" });
        var problem = await AssertProblem(again, HttpStatusCode.Conflict);
        Assert.Contains("rotate=true", problem.GetProperty("detail").GetString());
        Assert.True(registry.Verify("box-7", secret));

        var rotated = await Client.PostAsJsonAsync("/api/devices?rotate=true", new { deviceId = "box-7" });
        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        Assert.False(registry.Verify("box-7", secret));
        Assert.True(registry.Verify("box-7", newSecret));
    }

    [Theory]
    [InlineData("{\"deviceId\": \"a/b\"}", "deviceId")]
    [InlineData("{}", "deviceId")]
    [InlineData("{\"deviceId\": ", "body")]
    public async Task Enrolling_with_a_bad_body_is_a_400_problem(string body, string parameter)
    {
        var response = await Client.PostAsync("/api/devices", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Fact]
    public async Task A_sample_is_listed_and_its_image_endpoint_returns_the_jpeg()
    {
        _host.Get<IDeviceRegistry>().Enroll(Device);
        var image = Payloads.Jpeg(0x5A, length: 4000);
        await _host.Get<IMessageIngest>().IngestAsync(Topics.Samples(Device), Payloads.Sample(Device, 5, 77, image), CancellationToken.None);

        var page = await Client.GetFromJsonAsync<JsonElement>($"/api/devices/{Device}/samples");
        var sample = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("truck", sample.GetProperty("predictedLabel").GetString());
        var imageUrl = sample.GetProperty("imageUrl").GetString();
        Assert.Equal($"/api/devices/{Device}/samples/5/77/image", imageUrl);

        var response = await Client.GetAsync(imageUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(image, await response.Content.ReadAsByteArrayAsync());
        await AssertProblem(await Client.GetAsync($"/api/devices/{Device}/samples/5/78/image"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_device_list_shows_status_model_backlog_and_the_highest_stored_seq()
    {
        _host.Get<IDeviceRegistry>().Enroll(Device);
        var ingest = _host.Get<IMessageIngest>();
        await ingest.IngestAsync(Topics.Status(Device), Payloads.Status(Device, true, Payloads.Time0, "2.0.0"), CancellationToken.None);
        await ingest.IngestAsync(Topics.Reported(Device), Payloads.Reported(Device, Payloads.Time0, new OutboxBacklog(5, 400, 150, 251, 0)), CancellationToken.None);
        await IngestEvents(250);
        await ingest.IngestAsync(Topics.Telemetry(Device), Payloads.Batch(Device, 5, [Payloads.StatsRecord(Device, 251)]), CancellationToken.None);

        var devices = await Client.GetFromJsonAsync<JsonElement>("/api/devices");

        var device = Assert.Single(devices.EnumerateArray());
        Assert.Equal(Device, device.GetProperty("deviceId").GetString());
        Assert.True(device.GetProperty("online").GetBoolean());
        Assert.Equal("2.0.0", device.GetProperty("agentVersion").GetString());
        Assert.Equal("vehicle-classifier", device.GetProperty("model").GetProperty("name").GetString());
        var backlog = device.GetProperty("backlog");
        Assert.Equal(150, backlog.GetProperty("pending").GetInt64());
        Assert.Equal(Payloads.Time0, backlog.GetProperty("reportedAt").GetDateTimeOffset());
        Assert.Equal(400, backlog.GetProperty("lastIssuedSeq").GetInt64());
        Assert.Equal(5, device.GetProperty("storedEpoch").GetInt64());
        Assert.Equal(251, device.GetProperty("highestStoredSeq").GetInt64());
        Assert.Equal(JsonValueKind.String, device.GetProperty("lastSeen").ValueKind);
    }

    [Fact]
    public async Task Stats_are_listed_with_their_interval_end_as_time()
    {
        _host.Get<IDeviceRegistry>().Enroll(Device);
        await _host.Get<IMessageIngest>().IngestAsync(Topics.Telemetry(Device),
            Payloads.Batch(Device, 5, [Payloads.StatsRecord(Device, 1), Payloads.StatsRecord(Device, 2)]), CancellationToken.None);

        var page = await Client.GetFromJsonAsync<JsonElement>($"/api/devices/{Device}/stats?limit=1");

        var stats = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(Payloads.Time0.AddMinutes(2), stats.GetProperty("time").GetDateTimeOffset());
        Assert.Equal(0.82, stats.GetProperty("estimatedPrecision").GetDouble());
        Assert.NotEqual(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Ingest_counters_and_recent_rejections_are_served_and_scraped()
    {
        _host.Get<IDeviceRegistry>().Enroll(Device);
        await IngestEvents(10);
        await _host.Get<IMessageIngest>().IngestAsync(Topics.Telemetry(Device), Payloads.Utf8("{oops"), CancellationToken.None);

        var ingest = await Client.GetFromJsonAsync<JsonElement>("/api/ingest");
        var events = ingest.GetProperty("counters").GetProperty("records").EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "event");
        Assert.Equal(10, events.GetProperty("stored").GetInt64());
        var rejection = Assert.Single(ingest.GetProperty("recentRejections").EnumerateArray());
        Assert.Equal("Malformed", rejection.GetProperty("kind").GetString());

        var metrics = await Client.GetAsync("/metrics");
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("edgemlops_hub_ingest_records_stored_total{kind=\"event\"} 10\n", text);
        Assert.Contains("edgemlops_hub_ingest_rejections_total{channel=\"telemetry\",kind=\"Malformed\"} 1\n", text);
    }

    private static Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status) => ProblemResponse.AssertAsync(response, status);
}
