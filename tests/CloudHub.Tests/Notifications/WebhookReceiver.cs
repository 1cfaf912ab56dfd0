using System.Collections.Concurrent;
using EdgeMlops.CloudHub.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.CloudHub.Tests.Notifications;

/// <summary>A real Kestrel webhook receiver on a free port: records each POST and answers 500 to the first <c>failFirst</c> of them.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app, string url, int failFirst)
    {
        _app = app;
        Url = url;
        _failuresLeft = failFirst;
    }

    public string Url { get; }

    /// <summary>Every POST in arrival order, with the status it was answered.</summary>
    public ConcurrentQueue<(byte[] Body, string? Signature, string? Event, int Status, string? Timestamp)> Received { get; } = new();

    /// <summary>The <c>X-EdgeMlops-Delivery</c> header of every POST, in arrival order.</summary>
    public ConcurrentQueue<string?> DeliveryIds { get; } = new();

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = FreeTcpPort.Next();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, $"http://127.0.0.1:{port}/hook", failFirst);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var status = Interlocked.Decrement(ref receiver._failuresLeft) >= 0 ? StatusCodes.Status500InternalServerError : StatusCodes.Status204NoContent;
            receiver.DeliveryIds.Enqueue(request.Headers[WebhookSender.DeliveryHeader]);
            receiver.Received.Enqueue((buffer.ToArray(), request.Headers[WebhookSignature.Header], request.Headers[WebhookSender.EventHeader], status,
                request.Headers[WebhookSignature.TimestampHeader]));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
