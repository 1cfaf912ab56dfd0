using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Tests.Registry;

public sealed class RegistryOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new RegistryOptionsValidator().Validate(null, new RegistryOptions()).Succeeded);
        Assert.True(new NotificationOptionsValidator().Validate(null, new NotificationOptions()).Succeeded);
    }

    [Fact]
    public void Bad_registry_settings_are_refused_naming_the_key()
    {
        var result = new RegistryOptionsValidator().Validate(null, new RegistryOptions
        {
            MaxPackageBytes = 0,
            FleetKey = "/nowhere/fleet.key.pem",
            DownloadUrl = "hub:8080",
        });

        Assert.Contains("Hub:Registry:MaxPackageBytes", result.FailureMessage);
        Assert.Contains("Hub:Registry:FleetKey", result.FailureMessage);
        Assert.Contains("Hub:Registry:DownloadUrl", result.FailureMessage);
    }

    [Fact]
    public void A_webhook_url_without_a_secret_is_refused_naming_the_key()
    {
        var result = new NotificationOptionsValidator().Validate(null, new NotificationOptions { WebhookUrl = "http://127.0.0.1:9/hook" });

        Assert.Contains("Hub:Notifications:WebhookSecret", result.FailureMessage);
    }

    [Fact]
    public async Task A_misspelt_registry_key_stops_the_hub_naming_it()
    {
        var error = Assert.Throws<ConfigurationKeyException>(() => new InProcessHub(settings: new Dictionary<string, string?> { ["Hub:Registry:Directry"] = "x" }));

        Assert.Contains("Hub:Registry:Directry", error.Message);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task The_registry_directory_defaults_to_models_beside_the_database_and_the_fleet_key_is_generated_there_once()
    {
        await using var hub = new InProcessHub();
        var directory = hub.Get<IOptions<RegistryOptions>>().Value.ResolvedDirectory(hub.Get<IOptions<EdgeMlops.CloudHub.Storage.HubStoreOptions>>().Value);

        var keyId = hub.Get<FleetKey>().Key.KeyId;

        Assert.Equal(Path.Combine(hub.Directory, "models"), directory);
        Assert.True(File.Exists(Path.Combine(directory, FleetKey.GeneratedFileName)));
        await using var restarted = new InProcessHub(directory: hub.Directory);
        Assert.Equal(keyId, restarted.Get<FleetKey>().Key.KeyId);
    }
}
