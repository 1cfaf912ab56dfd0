using System.Net.Sockets;
using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Diagnostics;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Hosting;

/// <summary>
/// The hub service: broker side, store, HTTP API, until SIGTERM/Ctrl+C. Configuration comes from
/// <c>appsettings.json</c> beside the binary, environment variables (<c>EDGEMLOPS_Hub__Store__Path=...</c>), then the
/// command line (see <see cref="HubCommandLine"/>). Exit codes: 0 after a clean stop, 2 when the configuration is
/// wrong (an unknown key, a value that does not convert, a database that is not the hub's) or an address is in use (the message names the key), 1 when the hub failed otherwise. Logs go to stderr.
/// </summary>
public static class HubApp
{
    public const int ConfigurationError = 2;

    /// <summary>Builds, starts and runs the hub until it is asked to stop; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication built;
        try
        {
            built = Build(args);
        }
        catch (Exception ex) when (ex is FormatException or ConfigurationKeyException)
        {
            await Console.Error.WriteLineAsync($"cloud-hub serve: {ex.Message}\n{HubCommandLine.Usage}");
            return ConfigurationError;
        }

        await using var app = built;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeMlops.CloudHub");
        try
        {
            await StartAsync(app);
        }
        catch (Exception ex) when (ExplainStartupFailure(ex, app.Services) is { } explanation)
        {
            logger.LogCritical("Configuration error: {Problem}", explanation);
            return ConfigurationError;
        }

        await app.WaitForShutdownAsync();
        logger.LogInformation("Hub stopped");
        return 0;
    }

    /// <summary>
    /// The hub as a web application, built and not started: configuration, console logging on stderr, every service
    /// (<see cref="CloudHubServiceCollectionExtensions.AddCloudHub"/>) and every endpoint. Start it with
    /// <see cref="StartAsync"/>.
    /// </summary>
    /// <param name="args">The <c>serve</c> command line: <c>[serve] [--db PATH] ... [--Hub:KEY=VALUE ...]</c>.</param>
    /// <param name="customize">Runs after the hub's registrations, before the build: tests replace services or logging here.</param>
    /// <exception cref="FormatException">A word of <paramref name="args"/> is not part of an option.</exception>
    /// <exception cref="ConfigurationKeyException">A key is not one the hub reads, or a value cannot be converted; the message names it and the nearest valid key.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var options = HubCommandLine.OptionsOf(args);
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
        builder.Services.AddCloudHub(builder.Configuration);
        // Used only for an https:// Hub:Http:Url, whose certificate files StartAsync has validated by then.
        builder.Services.AddSingleton<HubCertificate>();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<HubCertificate>((kestrel, certificate) =>
            kestrel.ConfigureHttpsDefaults(https => https.ServerCertificateSelector = (_, _) => certificate.Certificate));
        customize?.Invoke(builder);
        // Before anything is bound: a typo in a key would otherwise be ignored (--dbb starts on the default database)
        // and a value the binder cannot convert would crash the start.
        ConfigurationKeyException.ThrowIfAny(builder.Configuration, HubConfigurationKeys(builder.Services), HubCommandLine.Aliases.Keys);
        // Kestrel reads the URL only when it starts, after StartAsync has validated Hub:Http. After the key check:
        // setting it writes "urls" into every configuration source.
        builder.WebHost.UseUrls(builder.Configuration[$"{HubHttpOptions.Section}:Url"] ?? new HubHttpOptions().Url);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<HostAllowList>();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHubApi();
        app.MapMetrics();
        app.MapHealthz();
        return app;
    }

    /// <summary>
    /// Every key the hub reads: its bound <c>Hub:*</c> sections, any <c>Logging</c> category and the host's own
    /// <c>environment</c>, <c>applicationName</c> and <c>contentRoot</c>. Kestrel's <c>urls</c> is not among them: the
    /// hub listens on <c>Hub:Http:Url</c> only.
    /// </summary>
    private static ConfigurationKeys HubConfigurationKeys(IServiceCollection services) =>
        new(services.BoundSections(), ["Logging", HostDefaults.EnvironmentKey, HostDefaults.ApplicationKey, HostDefaults.ContentRootKey]);

    /// <summary>
    /// Starts a hub <see cref="Build"/> made. Options are validated and the store opened before anything listens, so a
    /// typo or an unusable database is one exception naming its key instead of a failing first message.
    /// </summary>
    /// <exception cref="OptionsValidationException">An options section is invalid (<see cref="AggregateException"/> when several are).</exception>
    /// <exception cref="HubConfigurationException">The database cannot be opened, or an address is taken.</exception>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeMlops.CloudHub");
        // Every section registered with ValidateOnStart, now rather than inside the host's start.
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        var http = app.Services.GetRequiredService<IOptions<HubHttpOptions>>().Value;
        var store = OpenStore(app.Services);
        if (!HubHttpOptions.IsLoopback(http.Url) && !http.IsHttps)
            logger.LogWarning("{Key} {Url} is not a loopback address and not https: operator tokens cross the network in clear; set {Certificate} and {PrivateKey} and use https://",
                $"{HubHttpOptions.Section}:Url", http.Url, $"{HubHttpOptions.Section}:Certificate", $"{HubHttpOptions.Section}:Key");
        await app.StartAsync(cancellationToken);
        var broker = app.Services.GetRequiredService<IBrokerStatus>();
        logger.LogInformation("Hub ready: mqtt {Endpoint} ({Mode}), http {Url}, store {Path}",
            broker.Endpoint, broker.Mode, string.Join(", ", app.Urls), store.FilePath);
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
    private static string? ExplainStartupFailure(Exception ex, IServiceProvider services) => ex switch
    {
        HubConfigurationException config => config.Message,
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        AggregateException sections when sections.InnerExceptions.All(e => e is OptionsValidationException) =>
            string.Join(" ", sections.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)),
        IOException { InnerException: AddressInUseException } or AddressInUseException =>
            $"{HubHttpOptions.Section}:Url {HttpUrl(services)} is already in use; choose another with --http or {HubHttpOptions.Section}:Url.",
        IOException { InnerException: SocketException socket } =>
            $"{HubHttpOptions.Section}:Url {HttpUrl(services)} cannot be listened on: {socket.Message}",
        _ => null,
    };

    private static string HttpUrl(IServiceProvider services) => services.GetRequiredService<IOptions<HubHttpOptions>>().Value.Url;
}
