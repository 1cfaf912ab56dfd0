using EdgeMlops.EdgeAgent.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

public sealed class EdgeStoreHostingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddEdgeStore(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task A_host_stopped_right_after_start_still_commits_everything_it_accepted()
    {
        var path = _directory.File("data/edge-agent.db");
        using (var host = Build(new()
        {
            ["Store:Path"] = path,
            ["Store:FlushInterval"] = "00:00:30",
            ["Store:BatchSize"] = "1000",
        }))
        {
            await host.StartAsync();
            var queue = host.Services.GetRequiredService<TelemetryQueue>();
            for (var i = 0; i < 300; i++)
                Assert.True(queue.TryWrite(TestRecords.Event(i)));
            await host.StopAsync(Eventually.Soon());
        }

        using var store = StoreFixture.Store(StoreFixture.Options(path));
        store.EnsureOpen();
        Assert.Equal(300, store.PendingCount);
        Assert.Equal(300, store.LastIssuedSeq);
    }

    [Fact]
    public void Options_bind_from_the_Store_section()
    {
        using var host = Build(new()
        {
            ["Store:Path"] = _directory.File("x.db"),
            ["Store:BudgetMegabytes"] = "64",
            ["Store:BatchSize"] = "100",
            ["Store:FlushInterval"] = "00:00:00.5",
            ["Store:ChannelCapacity"] = "1000",
            ["Store:ReopenInterval"] = "00:01:00",
        });

        var options = host.Services.GetRequiredService<IOptions<EdgeStoreOptions>>().Value;

        Assert.Equal((64, 100, TimeSpan.FromMilliseconds(500), 1000, TimeSpan.FromMinutes(1)),
            (options.BudgetMegabytes, options.BatchSize, options.FlushInterval, options.ChannelCapacity, options.ReopenInterval));
    }

    [Fact]
    public async Task Bad_options_stop_the_host_at_start_naming_every_bad_key()
    {
        using var host = Build(new()
        {
            ["Store:Path"] = _directory.Path + "/",
            ["Store:BatchSize"] = "0",
            ["Store:BudgetMegabytes"] = "-5",
            ["Store:FlushInterval"] = "00:00:00",
        });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Store:Path", failure.Message);
        Assert.Contains("Store:BatchSize", failure.Message);
        Assert.Contains("Store:BudgetMegabytes", failure.Message);
        Assert.Contains("Store:FlushInterval", failure.Message);
    }

    [Fact]
    public void The_defaults_are_valid_and_keep_the_database_under_a_data_directory()
    {
        var defaults = new EdgeStoreOptions();

        Assert.Empty(defaults.FindProblems());
        Assert.Equal("data", Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(defaults.Path))));
    }
}
