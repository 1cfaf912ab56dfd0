using EdgeMlops.CloudHub.Storage;
using EdgeMlops.CloudHub.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Tests.Storage;

public sealed class HubStoreTests
{
    [Theory]
    [InlineData(StoreSynchronous.Normal, 1)]
    [InlineData(StoreSynchronous.Full, 2)]
    public async Task The_database_runs_in_wal_mode_with_the_configured_synchronous_level(StoreSynchronous synchronous, int pragmaValue)
    {
        await using var store = new InProcessHub(settings: new Dictionary<string, string?> { ["Hub:Store:Synchronous"] = synchronous.ToString() });

        Assert.Equal("wal", store.Database.Read(c => c.ExecuteScalar<string>("PRAGMA journal_mode")));
        Assert.Equal(pragmaValue, store.Database.Read(c => c.ExecuteScalar<int>("PRAGMA synchronous")));
        Assert.Equal(pragmaValue, store.Database.Write(c => c.ExecuteScalar<int>("PRAGMA synchronous")));
    }

    [Theory]
    [InlineData("events")]
    [InlineData("stats")]
    [InlineData("samples")]
    public async Task Records_are_keyed_by_device_epoch_and_seq(string table)
    {
        await using var store = new InProcessHub();

        var key = store.Database.Read(c => c.Query<TableColumn>($"PRAGMA table_info({table})"))
            .Where(column => column.Pk > 0).OrderBy(column => column.Pk).Select(column => column.Name);

        Assert.Equal(["device_id", "epoch", "seq"], key);
    }

    [Fact]
    public void Options_bind_from_hub_store_with_the_samples_directory_beside_the_database()
    {
        using var temp = new TempDirectory();
        var options = Resolve(new() { ["Hub:Store:Path"] = temp.File("db/hub.db"), ["Hub:Store:Synchronous"] = "FULL" });

        Assert.Equal(StoreSynchronous.Full, options.Synchronous);
        Assert.Equal(temp.File("db/hub.db"), options.ResolvedPath);
        Assert.Equal(temp.File("db/samples"), options.ResolvedSamplesDirectory);
    }

    [Fact]
    public void The_default_path_is_data_hub_db()
    {
        var options = Resolve([]);

        Assert.Equal(Path.GetFullPath("data/hub.db"), options.ResolvedPath);
        Assert.Equal(StoreSynchronous.Normal, options.Synchronous);
    }

    [Fact]
    public void Invalid_options_fail_naming_the_configuration_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Hub:Store:Path"] = " " }));

        Assert.Contains("Hub:Store:Path", error.Message);
    }

    [Fact]
    public void A_path_that_is_a_directory_is_refused()
    {
        using var temp = new TempDirectory();

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Hub:Store:Path"] = temp.Path }));

        Assert.Contains("Hub:Store:Path", error.Message);
    }

    private static HubStoreOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddLogging().AddHubStorage(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<HubStoreOptions>>().Value;
    }

    private sealed class TableColumn
    {
        [SQLite.Column("name")] public string Name { get; set; } = "";
        [SQLite.Column("pk")] public int Pk { get; set; }
    }
}
