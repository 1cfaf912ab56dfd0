using System.Net.Sockets;
using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Storage;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Hosting;

/// <summary>
/// Runs the hub service: broker side, store, HTTP API, until SIGTERM/Ctrl+C. Configuration comes from
/// <c>appsettings.json</c> beside the binary, environment variables (<c>EDGEMLOPS_Hub__Store__Path=...</c>), then the
/// command line (see <see cref="HubCommandLine"/>). Exit codes: 0 after a clean stop, 2 when the configuration is
/// wrong or an address is in use (the message names the key), 1 when the hub failed otherwise. Logs go to stderr.
/// </summary>
public static class HubHost
{
    public const int ConfigurationError = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        string[] options;
        try
        {
            options = HubCommandLine.OptionsOf(args);
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync($"cloud-hub serve: {ex.Message}\n{HubCommandLine.Usage}");
            return ConfigurationError;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // appsettings.json ships beside the binary; the working directory is the operator's (relative --db paths).
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration
            .AddEnvironmentVariables("EDGEMLOPS_")
            .AddCommandLine(options, HubCommandLine.Aliases);
        builder.Logging.ClearProviders()
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        var httpUrl = builder.Configuration[$"{HubHttpOptions.Section}:Url"] ?? new HubHttpOptions().Url;
        if (HubHttpOptions.FindProblem(httpUrl) is { } httpProblem)
        {
            await Console.Error.WriteLineAsync($"cloud-hub: configuration error: {httpProblem}");
            return ConfigurationError;
        }
        builder.WebHost.UseUrls(httpUrl);
        builder.Services.AddProblemDetails();
        builder.Services.AddCloudHub(builder.Configuration);

        await using var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeMlops.CloudHub");
        if (!HubHttpOptions.IsLoopback(httpUrl))
            logger.LogWarning("{Key} {Url} is not a loopback address: the API has no authentication; keep it on loopback or behind an authenticating proxy",
                $"{HubHttpOptions.Section}:Url", httpUrl);
        HubEndpoints.Map(app);

        try
        {
            // Validating here rather than inside the host's start keeps a typo to one clear line instead of a stack trace.
            _ = app.Services.GetRequiredService<IOptions<BrokerOptions>>().Value;
            _ = app.Services.GetRequiredService<IOptions<HubHttpOptions>>().Value;
            // Opening the store first turns a bad database path into a configuration error instead of a failing first ingest.
            var store = OpenStore(app.Services);
            await app.StartAsync();
            var broker = app.Services.GetRequiredService<IBrokerStatus>();
            logger.LogInformation("Hub ready: mqtt {Endpoint} ({Mode}), http {Url}, store {Path}",
                broker.Endpoint, broker.Mode, string.Join(", ", app.Urls), store.FilePath);
        }
        catch (Exception ex) when (ExplainStartupFailure(ex, httpUrl) is { } explanation)
        {
            logger.LogCritical("Configuration error: {Problem}", explanation);
            return ConfigurationError;
        }

        await app.WaitForShutdownAsync();
        logger.LogInformation("Hub stopped");
        return 0;
    }

    private static HubDatabase OpenStore(IServiceProvider services)
    {
        var path = services.GetRequiredService<IOptions<HubStoreOptions>>().Value.Path;
        try
        {
            return services.GetRequiredService<HubDatabase>();
        }
        catch (Exception ex) when (ex is not OptionsValidationException)
        {
            throw new HubConfigurationException($"{HubStoreOptions.SectionName}:Path",
                $"{HubStoreOptions.SectionName}:Path '{path}' cannot be opened as the hub database: {ex.Message}", ex);
        }
    }

    /// <summary>A sentence naming the configuration key for failures the operator fixes in configuration; null for others.</summary>
    private static string? ExplainStartupFailure(Exception ex, string httpUrl) => ex switch
    {
        HubConfigurationException config => config.Message,
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        IOException { InnerException: AddressInUseException } or AddressInUseException =>
            $"{HubHttpOptions.Section}:Url {httpUrl} is already in use; choose another with --http or {HubHttpOptions.Section}:Url.",
        IOException { InnerException: SocketException socket } =>
            $"{HubHttpOptions.Section}:Url {httpUrl} cannot be listened on: {socket.Message}",
        _ => null,
    };
}
