using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tests.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Tests.Sync;

public sealed class SyncOptionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("ftp://x", "scheme 'ftp'")]
    [InlineData("127.0.0.1:1883", "mqtt://host")]
    [InlineData("mqtt://", "names no host")]
    [InlineData("no scheme at all", "not a URI")]
    [InlineData("mqtt://user:secret@broker", "credentials")]
    [InlineData("mqtt://broker/path", "path")]
    [InlineData("", "empty")]
    public void A_broker_that_is_not_an_mqtt_address_is_refused_naming_the_key(string broker, string why)
    {
        var problems = new SyncOptions { Broker = broker }.FindProblems();

        var problem = Assert.Single(problems);
        Assert.StartsWith("Sync:Broker", problem);
        Assert.Contains(why, problem);
    }

    [Fact]
    public void Every_problem_is_listed_with_its_key()
    {
        var problems = new SyncOptions
        {
            PasswordFile = _directory.File("missing"),
            CaCertificatePath = _directory.File("ca.pem"),
            BatchRecords = 0,
            MaxInFlight = 0,
            KeepAlive = TimeSpan.Zero,
        }.FindProblems();

        Assert.Contains(problems, p => p.StartsWith("Sync:PasswordFile") && p.Contains("does not exist"));
        Assert.Contains(problems, p => p.StartsWith("Sync:CaCertificatePath") && p.Contains("does not exist"));
        Assert.Contains(problems, p => p.StartsWith("Sync:CaCertificatePath is set but Sync:Broker"));
        Assert.Contains(problems, p => p.StartsWith("Sync:BatchRecords"));
        Assert.Contains(problems, p => p.StartsWith("Sync:MaxInFlight"));
        Assert.Contains(problems, p => p.StartsWith("Sync:KeepAlive"));
    }

    [Fact]
    public void Sync_turned_off_is_not_checked()
    {
        Assert.Empty(new SyncOptions { Enabled = false, Broker = "ftp://x" }.FindProblems());
    }

    [Fact]
    public async Task The_agent_refuses_to_start_on_a_bad_broker_naming_Sync_Broker()
    {
        using var host = Host(new Dictionary<string, string?> { ["Sync:Broker"] = "ftp://x" });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Eventually.Soon()));

        Assert.Contains(failure.Failures, f => f.StartsWith("Sync:Broker 'ftp://x'"));
    }

    [Fact]
    public async Task With_sync_turned_off_nothing_connects()
    {
        await using var broker = await TestBroker.StartAsync();
        using var host = Host(new Dictionary<string, string?> { ["Sync:Enabled"] = "false", ["Sync:Broker"] = broker.Address });

        await host.StartAsync(Eventually.Soon());
        var service = host.Services.GetRequiredService<MqttSyncService>();
        var progress = host.Services.GetRequiredService<SyncProgress>();
        await host.StopAsync(Eventually.Soon());

        Assert.True(service.Running.IsCompletedSuccessfully);
        Assert.Null(progress.Broker);
        Assert.Empty(broker.Received);
        Assert.Empty(await broker.ConnectedClientsAsync());
    }

    [Fact]
    public void The_password_file_is_read_at_start_without_its_trailing_newline()
    {
        var file = _directory.File("password");
        File.WriteAllText(file, "s3cret\n");

        var settings = SyncConnectionSettings.Load(new SyncOptions { PasswordFile = file }, "box-07");
        var options = settings.BuildClientOptions([]);

        Assert.Equal("box-07", options.Credentials.GetUserName(options));
        Assert.Equal("s3cret"u8.ToArray(), options.Credentials.GetPassword(options));
        Assert.Equal("box-07", options.ClientId);
        Assert.False(options.CleanSession);
        Assert.Equal((uint)TimeSpan.FromDays(7).TotalSeconds, options.SessionExpiryInterval);
        Assert.True(options.WillRetain);
        Assert.Contains("Sync:PasswordFile", settings.CredentialKeys);
    }

    private IHost Host(Dictionary<string, string?> settings)
    {
        settings["Store:Path"] = _directory.File("edge-agent.db");
        settings["Agent:DeviceId"] = "box-07";
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddOptions<AgentOptions>().Bind(builder.Configuration.GetSection(AgentOptions.SectionName));
        builder.Services.AddSingleton<IModelIdentity>(new StaticModel());
        builder.Services.AddEdgeSync(builder.Configuration);
        builder.Services.AddEdgeStore(builder.Configuration);
        return builder.Build();
    }

    private sealed class StaticModel : IModelIdentity
    {
        public string Name => "vehicle-classifier";
        public string Version => "1.0.0";
    }
}
