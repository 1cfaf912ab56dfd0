using System.Net;
using System.Text;
using EdgeMlops.Observability;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Diagnostics;

/// <summary>
/// Serves <c>GET /metrics</c> in the Prometheus text format from every registered <see cref="IMetricsSource"/>.
/// A port that cannot be bound is a warning, not a failure: the agent's job is classifying, not being scraped.
/// </summary>
internal sealed class MetricsEndpoint(
    IOptions<MetricsOptions> options, IEnumerable<IMetricsSource> sources, ILogger<MetricsEndpoint> logger) : IHostedService, IDisposable
{
    private HttpListener? _listener;
    private Task _serving = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var url = options.Value.Url;
        if (url.Length == 0)
            return Task.CompletedTask;
        var listener = new HttpListener();
        listener.Prefixes.Add(url);
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            logger.LogWarning("Metrics endpoint cannot listen on {MetricsUrl} ({Reason}); metrics are not exposed. Set Metrics:Url to another address, or empty to turn it off",
                url, e.Message);
            Close(listener);
            return Task.CompletedTask;
        }
        _listener = listener;
        _serving = Task.Run(() => ServeAsync(listener), CancellationToken.None);
        logger.LogInformation("Metrics at {MetricsUrl}metrics", url);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Close(Interlocked.Exchange(ref _listener, null));
        await _serving.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => Close(Interlocked.Exchange(ref _listener, null));

    // Closing once, and never throwing: .NET's managed HttpListener re-binds the port while it removes its prefixes,
    // so closing after a stop throws "address in use" when another process took the port meanwhile (seen in tests
    // running several agents: the agent aborted on exit).
    private void Close(HttpListener? listener)
    {
        if (listener is null)
            return;
        try
        {
            listener.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            logger.LogDebug(e, "Closing the metrics endpoint");
        }
    }

    private async Task ServeAsync(HttpListener listener)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            try
            {
                await RespondAsync(context).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                logger.LogDebug(e, "Metrics scrape from {Remote} failed", context.Request.RemoteEndPoint);
            }
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        if (context.Request.Url?.AbsolutePath.TrimEnd('/') != "/metrics" || context.Request.HttpMethod is not ("GET" or "HEAD"))
        {
            response.StatusCode = (int)HttpStatusCode.NotFound;
            return;
        }
        var writer = new PrometheusTextWriter();
        foreach (var source in sources)
            source.WriteMetrics(writer);
        var body = Encoding.UTF8.GetBytes(writer.ToString());
        response.ContentType = PrometheusTextWriter.ContentType;
        response.ContentLength64 = body.Length;
        if (context.Request.HttpMethod == "GET")
            await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
    }
}
