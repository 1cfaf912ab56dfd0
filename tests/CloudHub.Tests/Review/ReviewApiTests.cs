using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Review;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Review;

/// <summary>The review queue's routes on a started hub: listing, labelling, conflicts, undo, roles, audit, images, stats.</summary>
public sealed class ReviewApiTests : IAsyncLifetime
{
    private const string Device = "box-1";
    private InProcessHub _hub = null!;

    public async Task InitializeAsync()
    {
        _hub = await InProcessHub.StartAsync();
        _hub.Enroll(Device);
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    private HttpClient Viewer => _hub.ClientAs(OperatorRole.Viewer);

    private static string LabelUrl(long seq) => $"/api/review/samples/{Device}/5/{seq}/label";

    private static async Task<JsonElement> ListAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/review/samples?{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static List<long> Seqs(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("seq").GetInt64()).ToList();

    private static async Task<JsonElement> LabelAsync(HttpClient client, long seq, string label, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsJsonAsync(LabelUrl(seq), new { label });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static List<(string Reviewer, string Label, bool Withdrawn)> LabelsOf(JsonElement item) =>
        item.GetProperty("labels").EnumerateArray()
            .Select(l => (l.GetProperty("reviewer").GetString()!, l.GetProperty("label").GetString()!, l.GetProperty("withdrawnAt").ValueKind != JsonValueKind.Null))
            .ToList();

    [Fact]
    public async Task Samples_are_filtered_by_camera_label_reason_needs_review_confidence_model_and_state()
    {
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1, "car", 0.30, camera: "cam-1", reason: SampleReasons.NeedsReview));
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 2, "van", 0.55, camera: "cam-1"));
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 3, "car", 0.92, camera: "cam-2", reason: SampleReasons.Random, version: "2.0.0"));
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 4, "truck", 0.45, camera: "cam-2", reason: SampleReasons.HighEntropy));
        await LabelAsync(_hub.ClientAs(OperatorRole.Operator), 2, "van");

        Assert.Equal([1, 2, 3, 4], Seqs(await ListAsync(Viewer, "")));
        Assert.Equal([1, 2], Seqs(await ListAsync(Viewer, "camera=cam-1")));
        Assert.Equal([1, 3], Seqs(await ListAsync(Viewer, "label=car")));
        Assert.Equal([4], Seqs(await ListAsync(Viewer, "reason=high-entropy")));
        Assert.Equal([1], Seqs(await ListAsync(Viewer, "needsReview=true")));
        Assert.Equal([2, 3, 4], Seqs(await ListAsync(Viewer, "needsReview=false")));
        Assert.Equal([2, 4], Seqs(await ListAsync(Viewer, "minConfidence=0.4&maxConfidence=0.6")));
        Assert.Equal([3], Seqs(await ListAsync(Viewer, $"model={ReviewSamples.Model}&version=2.0.0")));
        Assert.Equal([2], Seqs(await ListAsync(Viewer, "state=labelled")));
        Assert.Equal([1, 3, 4], Seqs(await ListAsync(Viewer, "state=unlabelled")));
        Assert.Empty(Seqs(await ListAsync(Viewer, "device=box-2")));

        var first = (await ListAsync(Viewer, "camera=cam-1&needsReview=true")).GetProperty("items")[0];
        Assert.Equal("car", first.GetProperty("predictedLabel").GetString());
        Assert.True(first.GetProperty("needsReview").GetBoolean());
        Assert.Equal("unlabelled", first.GetProperty("state").GetString());
        Assert.Equal(["van", "car", "truck"], first.GetProperty("top3").EnumerateArray().Select(p => p.GetProperty("label").GetString()));
        Assert.Equal(Payloads.Time0.AddSeconds(1), first.GetProperty("capturedAt").GetDateTimeOffset());
        Assert.Equal($"/api/review/samples/{Device}/5/1/image", first.GetProperty("imageUrl").GetString());

        foreach (var (query, parameter) in new[] { ("reason=sunny", "reason"), ("state=done", "state"), ("order=newest", "order"),
                     ("minConfidence=1.5", "minConfidence"), ("minConfidence=0.8&maxConfidence=0.2", "maxConfidence"),
                     ("needsReview=maybe", "needsReview"), ("device=..", "device"), ("camera=", "camera"), ("cursor=abc", "cursor") })
        {
            var response = await Viewer.GetAsync($"/api/review/samples?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(parameter, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Paging_in_either_order_visits_every_sample_once_and_hardest_is_lowest_confidence_first()
    {
        var confidences = new[] { 0.9, 0.2, 0.6, 0.2, 0.45, 0.75, 0.31, 0.2, 0.99, 0.5 };
        for (var i = 0; i < confidences.Length; i++)
            await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, i + 1, confidence: confidences[i]));

        foreach (var order in new[] { "oldest", "hardest" })
        {
            var seqs = new List<long>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = await ListAsync(Viewer, $"order={order}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}"));
                seqs.AddRange(Seqs(page));
                cursor = page.GetProperty("nextCursor").GetString();
                pages++;
            } while (cursor is not null);

            Assert.Equal(4, pages);
            var expected = Enumerable.Range(1, confidences.Length).Select(seq => (long)seq);
            if (order == "hardest")
                expected = expected.OrderBy(seq => confidences[seq - 1]).ThenBy(seq => seq);
            Assert.Equal(expected, seqs);
        }
        // A cursor of one order does not continue the other.
        var hardest = await ListAsync(Viewer, "order=hardest&limit=3");
        Assert.Equal(HttpStatusCode.BadRequest, (await Viewer.GetAsync($"/api/review/samples?order=oldest&cursor={hardest.GetProperty("nextCursor").GetString()}")).StatusCode);
    }

    [Fact]
    public async Task A_label_outside_the_models_label_set_is_refused_naming_the_allowed_labels()
    {
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1, "car", 0.4));
        var client = _hub.ClientAs(OperatorRole.Operator);

        var refused = await client.PostAsJsonAsync(LabelUrl(1), new { label = "motorbike" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("'motorbike'", detail);
        Assert.Contains("bus, car, truck, van, not-a-vehicle, unsure", detail);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync(LabelUrl(1), new { label = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(LabelUrl(1), new StringContent("car"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync(LabelUrl(2), new { label = "car" })).StatusCode);

        foreach (var answer in new[] { "van", ReviewLabels.NotAVehicle, ReviewLabels.Unsure })
            await LabelAsync(client, 1, answer);
        Assert.Equal("unsure", (await LabelAsync(client, 1, ReviewLabels.Unsure)).GetProperty("state").GetString());
        Assert.Contains(("operator", $"{Device}/5/1", "refused: label 'motorbike' not allowed"), _hub.Audit(ReviewAuditActions.Label));
        Assert.Contains(("operator", $"{Device}/5/2", ReviewAuditActions.NoSuchSample), _hub.Audit(ReviewAuditActions.Label));
    }

    [Fact]
    public async Task Labelling_again_replaces_the_reviewers_own_label_and_undo_withdraws_it_both_kept_and_audited()
    {
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1, "car"));
        using var alice = _hub.ClientFor("alice");

        await LabelAsync(alice, 1, "car");
        var replaced = await LabelAsync(alice, 1, "van");
        Assert.Equal("labelled", replaced.GetProperty("state").GetString());
        Assert.Equal("van", replaced.GetProperty("agreedLabel").GetString());
        Assert.Equal([("alice", "car", true), ("alice", "van", false)], LabelsOf(replaced));

        var undone = await alice.DeleteAsync(LabelUrl(1));
        Assert.Equal(HttpStatusCode.OK, undone.StatusCode);
        var item = await undone.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unlabelled", item.GetProperty("state").GetString());
        Assert.Equal([("alice", "car", true), ("alice", "van", true)], LabelsOf(item));
        Assert.Equal(HttpStatusCode.NotFound, (await alice.DeleteAsync(LabelUrl(1))).StatusCode);
        Assert.Equal([1], Seqs(await ListAsync(Viewer, "state=unlabelled")));

        Assert.Equal([("alice", $"{Device}/5/1", "ok: car"), ("alice", $"{Device}/5/1", "ok: van")], _hub.Audit(ReviewAuditActions.Label));
        Assert.Equal([("alice", $"{Device}/5/1", "ok"), ("alice", $"{Device}/5/1", ReviewAuditActions.NoStandingLabel)], _hub.Audit(ReviewAuditActions.Unlabel));
    }

    [Fact]
    public async Task Two_reviewers_disagreeing_is_a_conflict_kept_visible_until_a_third_label_or_a_withdrawal_settles_it()
    {
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1, "car"));
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 2, "car"));
        using var alice = _hub.ClientFor("alice");
        using var bob = _hub.ClientFor("bob");
        using var carol = _hub.ClientFor("carol");

        await LabelAsync(alice, 1, "car");
        var conflict = await LabelAsync(bob, 1, ReviewLabels.NotAVehicle);
        Assert.Equal("conflict", conflict.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, conflict.GetProperty("agreedLabel").ValueKind);
        Assert.Equal([("alice", "car", false), ("bob", "not-a-vehicle", false)], LabelsOf(conflict));
        Assert.Equal([1], Seqs(await ListAsync(Viewer, "state=conflict")));

        // The conflict waits for someone who has not voted; those who did get the next sample.
        Assert.Equal(2, (await alice.GetFromJsonAsync<JsonElement>("/api/review/next")).GetProperty("seq").GetInt64());
        Assert.Equal(1, (await carol.GetFromJsonAsync<JsonElement>("/api/review/next")).GetProperty("seq").GetInt64());

        var settled = await LabelAsync(carol, 1, ReviewLabels.NotAVehicle);
        Assert.Equal("labelled", settled.GetProperty("state").GetString());
        Assert.Equal("not-a-vehicle", settled.GetProperty("agreedLabel").GetString());

        // Withdrawing one side of a two-way conflict leaves the other standing.
        await LabelAsync(alice, 2, "car");
        await LabelAsync(bob, 2, "van");
        Assert.Equal(HttpStatusCode.OK, (await bob.DeleteAsync(LabelUrl(2))).StatusCode);
        var item = await Viewer.GetFromJsonAsync<JsonElement>($"/api/review/samples/{Device}/5/2");
        Assert.Equal("car", item.GetProperty("agreedLabel").GetString());

        var stats = await Viewer.GetFromJsonAsync<JsonElement>("/api/review/stats");
        Assert.Equal(2, stats.GetProperty("states").GetProperty("labelled").GetInt64());
        Assert.Equal(0, stats.GetProperty("conflicts").GetInt64());
        Assert.Equal(1, stats.GetProperty("agreement").GetProperty("multiplyReviewed").GetInt64());
        Assert.Equal(0, stats.GetProperty("agreement").GetProperty("agreed").GetInt64());
    }

    [Fact]
    public async Task A_viewer_lists_and_sees_images_but_cannot_label_or_undo()
    {
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1));

        Assert.Equal(HttpStatusCode.Forbidden, (await Viewer.PostAsJsonAsync(LabelUrl(1), new { label = "car" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Viewer.DeleteAsync(LabelUrl(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _hub.Client.GetAsync("/api/review/samples")).StatusCode);
        Assert.Equal([1], Seqs(await ListAsync(Viewer, "state=unlabelled")));
        Assert.Empty(_hub.Audit(ReviewAuditActions.Label));
    }

    [Fact]
    public async Task The_image_route_serves_the_stored_jpeg_and_404s_an_unknown_sample()
    {
        var frame = ReviewSamples.Frame(Device, 7);
        await _hub.IngestAsync(Device, frame);
        var item = (await ListAsync(Viewer, "")).GetProperty("items")[0];

        var response = await Viewer.GetAsync(item.GetProperty("imageUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Payloads.Jpeg(7, 700), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Viewer.GetAsync($"/api/review/samples/{Device}/5/8/image")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Viewer.GetAsync("/api/review/samples/a..b/5/7/image")).StatusCode);
    }

    [Fact]
    public async Task Next_gives_the_hardest_open_sample_then_no_content_when_the_queue_is_done()
    {
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1, confidence: 0.7));
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 2, confidence: 0.3));
        var client = _hub.ClientAs(OperatorRole.Operator);

        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>("/api/review/next")).GetProperty("seq").GetInt64());
        var hardest = await client.GetFromJsonAsync<JsonElement>("/api/review/next?order=hardest");
        Assert.Equal(2, hardest.GetProperty("seq").GetInt64());
        await LabelAsync(client, 2, "car");
        await LabelAsync(client, 1, ReviewLabels.Unsure);

        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/api/review/next")).StatusCode);
    }

    [Fact]
    public async Task Stats_and_metrics_count_samples_per_state_reason_and_camera_and_tell_simulated_labels_from_human_ones()
    {
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1, camera: "cam-1", reason: SampleReasons.Random));
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 2, camera: "cam-1"));
        await _hub.IngestAsync(Device, ReviewSamples.Frame(Device, 3, camera: "cam-2", truth: "van"));
        await LabelAsync(_hub.ClientFor("alice"), 1, "car");
        await LabelAsync(_hub.ClientFor("bob"), 1, "car");
        Assert.Equal(ReviewChange.Done, _hub.Get<ReviewService>().Label(new SampleKey(Device, 5, 3), "van", ReviewStore.SimulatedReviewerName, simulated: true).Outcome);

        var stats = await Viewer.GetFromJsonAsync<JsonElement>("/api/review/stats");
        Assert.Equal(3, stats.GetProperty("samples").GetInt64());
        Assert.Equal(2, stats.GetProperty("states").GetProperty("labelled").GetInt64());
        Assert.Equal(1, stats.GetProperty("states").GetProperty("unlabelled").GetInt64());
        Assert.Equal(1, stats.GetProperty("reasons").GetProperty("random").GetProperty("labelled").GetInt64());
        Assert.Equal(1, stats.GetProperty("reasons").GetProperty("low-confidence").GetProperty("unlabelled").GetInt64());
        var cameras = stats.GetProperty("cameras").EnumerateArray().ToList();
        Assert.Equal(["cam-1", "cam-2"], cameras.Select(c => c.GetProperty("cameraId").GetString()));
        Assert.Equal(2, cameras[0].GetProperty("samples").GetInt64());
        Assert.Equal(2, stats.GetProperty("labels").GetProperty("human").GetInt64());
        Assert.Equal(1, stats.GetProperty("labels").GetProperty("simulated").GetInt64());
        Assert.Equal(1.0, stats.GetProperty("agreement").GetProperty("rate").GetDouble());

        var item = await Viewer.GetFromJsonAsync<JsonElement>($"/api/review/samples/{Device}/5/3");
        var label = Assert.Single(item.GetProperty("labels").EnumerateArray());
        Assert.True(label.GetProperty("simulated").GetBoolean());
        Assert.Equal(ReviewStore.SimulatedReviewerName, label.GetProperty("reviewer").GetString());
        Assert.False(item.TryGetProperty("truthLabel", out _));
        Assert.Equal(0, (await Viewer.GetFromJsonAsync<JsonElement>("/api/review/stats?device=box-2")).GetProperty("samples").GetInt64());

        var metrics = await Viewer.GetStringAsync("/metrics");
        Assert.Contains("edgemlops_hub_review_samples{state=\"labelled\"} 2", metrics);
        Assert.Contains("edgemlops_hub_review_samples{state=\"conflict\"} 0", metrics);
        Assert.Contains("edgemlops_hub_review_labels{by=\"simulated\"} 1", metrics);
    }
}
