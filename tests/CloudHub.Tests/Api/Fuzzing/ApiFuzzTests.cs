using System.Diagnostics;
using System.Net;
using System.Text;
using CsCheck;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using EdgeMlops.Contracts.Tests.Fuzzing;
using Microsoft.AspNetCore.Routing;

namespace EdgeMlops.CloudHub.Tests.Api.Fuzzing;

/// <summary>
/// Every route of a started hub (found in its endpoint table, so routes added later are fuzzed too), called as an admin
/// with awkward path values, query parameters and bodies: malformed, deeply nested, huge and non-UTF-8. Each answer is
/// 2xx, or 4xx as problem details, never 5xx, and comes in bounded time. Iterations: <c>CsCheck_Iter</c> (default 300).
/// </summary>
public sealed class ApiFuzzTests(ApiFuzzTests.HubFixture fixture) : IClassFixture<ApiFuzzTests.HubFixture>
{
    private const string Device = "box-1";

    private static readonly long Iterations =
        long.TryParse(Environment.GetEnvironmentVariable("CsCheck_Iter"), out var iterations) && iterations > 0 ? iterations : 300;

    private static readonly TimeSpan SlowAnswer = TimeSpan.FromSeconds(5);

    /// <summary>Bodies above this may be cut short by a hub that answers before reading them.</summary>
    private const int LargeBody = 64 * 1024;

    private static readonly string[] QueryNames = ["limit", "cursor", "from", "to", "camera", "rotate", "before", "label"];

    private static readonly Gen<string> PathValue = Gen.Frequency(
        (4, Gen.Const(Device)),
        (2, Gen.OneOf(Gen.Const("0"), Gen.Const("-1"), Gen.Const("9223372036854775808"), Gen.Const(".."), Gen.Const("%2e%2e"), Gen.Const(" "))),
        (1, Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (3, FuzzText.Any));

    private static readonly Gen<string> QueryValue = Gen.Frequency(
        (2, Gen.OneOf(Gen.Const("1"), Gen.Const("0"), Gen.Const("10001"), Gen.Const("true"), Gen.Const("2025-06-01T12:00:00Z"), Gen.Const(""))),
        (1, Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (3, FuzzText.Awkward(0, 200)),
        (1, FuzzText.Any));

    private static readonly Gen<byte[]?> Body = Gen.Frequency(
        (1, Gen.Const((byte[]?)null)),
        (2, Gen.OneOf(
            Gen.Const("""{"deviceId": "box-2"}"""), Gen.Const("""{"name": "fuzz", "role": "viewer"}"""),
            Gen.Const("""{"startNewEpoch": true}"""), Gen.Const("""{"newEpochAfter": 7000001}""")).SelectMany(FuzzJson.Spoiled).Select(Utf8)),
        (3, FuzzJson.Value.Select(Utf8)),
        (1, Gen.Int[1, 100_000].Select(depth => Utf8(FuzzJson.Nested(depth)))),
        (1, Gen.Byte.Array[0, 2_000].Select(bytes => (byte[]?)bytes)),
        (1, Gen.Int[1, 3].Select(mb => (byte[]?)Encoding.UTF8.GetBytes($"{{\"deviceId\": \"{new string('a', mb << 20)}\"}}"))));

    private static readonly Gen<string?> ContentType = Gen.Frequency(
        (6, Gen.Const<string?>("application/json")),
        (1, Gen.Const((string?)null)),
        (1, Gen.OneOf(Gen.Const<string?>("text/plain"), Gen.Const<string?>("application/json; charset=latin1"), Gen.Const<string?>("multipart/form-data"))));

    [Fact]
    public void Every_route_answers_2xx_or_4xx_problem_details_in_bounded_time_for_any_input()
    {
        var routes = fixture.Routes;
        Assert.Contains(routes, r => r.Template.Contains("conflicts", StringComparison.Ordinal));
        var requests = Gen.Select(Gen.Int[0, routes.Count - 1], PathValue.Array[3], Gen.Select(Gen.Int[0, QueryNames.Length - 1].Select(i => QueryNames[i]), QueryValue).Array[0, 4], Body, ContentType,
            (route, values, query, body, contentType) => new FuzzRequest(routes[route], values, query, body, contentType));
        requests.Sample(request => AssertAnswers(request), iter: Iterations, threads: 1, print: r => r.ToString());
    }

    /// <summary>
    /// Awkward requests kept as plain cases: the edges the generators reach only by luck (a limit past int, a body
    /// nested past the JSON depth limit, a number past double, a body of the wrong JSON kind). Runs of 6,000 requests
    /// found no 5xx and no slow answer; a finding of a later run belongs here.
    /// </summary>
    [Theory]
    [InlineData("GET", "/api/devices/box-1/conflicts?limit=99999999999", null)]
    [InlineData("POST", "/api/devices/box-1/conflicts/clear", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")]
    [InlineData("POST", "/api/devices/box-1/conflicts/clear", "{\"newEpochAfter\": 1e400}")]
    [InlineData("POST", "/api/devices", "\"box-1\"")]
    [InlineData("POST", "/api/operators", "null")]
    public void Known_awkward_requests_are_answered_without_a_server_error(string method, string path, string? body)
    {
        var route = new ApiRoute(method, path);
        AssertAnswers(new FuzzRequest(route, [], [], body is null ? null : Utf8(body), "application/json"));
    }

    private void AssertAnswers(FuzzRequest request)
    {
        using var message = request.ToMessage();
        var watch = Stopwatch.StartNew();
        HttpResponseMessage sent;
        try
        {
            sent = fixture.Admin.SendAsync(message).GetAwaiter().GetResult();
        }
        catch (HttpRequestException e) when (e.InnerException is IOException && request.Body?.Length > LargeBody)
        {
            // The hub answered before reading a large upload to its end (a 400 for the path, say) and closed the
            // connection while the client still sent: no answer to judge, so the hub must at least still be serving.
            Assert.True(watch.Elapsed < SlowAnswer, $"{request} took {watch.Elapsed.TotalSeconds:0.0} s to be cut short");
            using var health = fixture.Admin.GetAsync("/healthz").GetAwaiter().GetResult();
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            return;
        }
        using var response = sent;
        var content = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        watch.Stop();
        var status = (int)response.StatusCode;
        Assert.True(status < 500, $"{request} answered {status}: {content}");
        Assert.True(watch.Elapsed < SlowAnswer, $"{request} took {watch.Elapsed.TotalSeconds:0.0} s");
        // Routing's own 404 (a path value no route matches) and 405 carry no body; every answer the API writes is a problem.
        if (status >= 400 && content.Length > 0)
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                $"{request} answered {status} as {response.Content.Headers.ContentType}: {content}");
    }

    private static byte[]? Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A route of the API: a method and a template whose <c>{parameters}</c> the fuzzer fills.</summary>
    public sealed record ApiRoute(string Method, string Template);

    private sealed record FuzzRequest(ApiRoute Route, string[] PathValues, (string Name, string Value)[] Query, byte[]? Body, string? ContentType)
    {
        public HttpRequestMessage ToMessage()
        {
            var message = new HttpRequestMessage(new HttpMethod(Route.Method), Uri());
            if (Body is not null)
            {
                message.Content = new ByteArrayContent(Body);
                if (ContentType is not null)
                    message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
            return message;
        }

        private string Uri()
        {
            var path = new StringBuilder();
            var next = 0;
            foreach (var segment in Route.Template.Split('/'))
            {
                if (segment.Length == 0)
                    continue;
                path.Append('/');
                path.Append(segment.StartsWith('{') && next < PathValues.Length
                    ? System.Uri.EscapeDataString(PathValues[next++])
                    : segment);
            }
            if (Query.Length > 0)
                path.Append('?').AppendJoin('&', Query.Select(q => $"{q.Name}={System.Uri.EscapeDataString(q.Value)}"));
            return path.ToString();
        }

        public override string ToString() =>
            $"{Route.Method} {Uri()} body: {(Body is null ? "none" : Body.Length > 300 ? $"{Body.Length} bytes" : Encoding.UTF8.GetString(Body))} as {ContentType ?? "no type"}";
    }

    /// <summary>One started hub for the whole fuzz run, with an enrolled device that has records, and an admin.</summary>
    public sealed class HubFixture : IAsyncLifetime
    {
        private InProcessHub _hub = null!;

        public HttpClient Admin { get; private set; } = null!;

        public IReadOnlyList<ApiRoute> Routes { get; private set; } = [];

        public async Task InitializeAsync()
        {
            _hub = await InProcessHub.StartAsync();
            _hub.Enroll(Device);
            await _hub.Ingest.IngestAsync(Topics.Telemetry(Device), Payloads.EventBatch(Device, 7_000_001, 1, 20), CancellationToken.None);
            Admin = _hub.ClientAs(OperatorRole.Admin);
            Admin.Timeout = TimeSpan.FromSeconds(30);
            Routes = _hub.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                    .Select(method => new ApiRoute(method, "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))))
                .Distinct()
                .OrderBy(r => r.Template, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)
                .ToList();
        }

        public async Task DisposeAsync() => await _hub.DisposeAsync();
    }
}
