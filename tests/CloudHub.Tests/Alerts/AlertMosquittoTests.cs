using EdgeMlops.CloudHub.Alerts;
using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeMlops.CloudHub.Tests.Alerts;

/// <summary>With an external Mosquitto the hub publishes alerts through its own connection, and the observer account reads them.</summary>
public sealed class AlertMosquittoTests
{
    [Fact]
    public async Task The_observer_account_of_mosquitto_config_sees_the_retained_alert_until_it_resolves()
    {
        using var directory = new TempDirectory();
        using var mosquitto = new MosquittoProcess([]);
        await mosquitto.StartAsync();
        var reader = new FedPrecisionReader();
        await using var hub = await InProcessHub.StartAsync(directory.Path, new Dictionary<string, string?>
        {
            [$"{BrokerOptions.Section}:Url"] = mosquitto.Url,
            [$"{BrokerOptions.Section}:PasswordFile"] = mosquitto.HubSecretFile,
            ["Hub:Alerts:EvaluationInterval"] = "00:00:01",
        }, services => services.AddSingleton<IPrecisionReader>(reader));
        var observerSecret = (await File.ReadAllTextAsync(mosquitto.Written.ObserverSecretPath)).Trim();
        var topic = Topics.AlertOf(AlertRules.MeasuredPrecision, "box-1", "night", "vehicle-classifier");

        reader.Set("box-1", "night", "1", correct: 30, predicted: 100);
        await Eventually.HoldsAsync(() => hub.Get<AlertStore>().Live() is [{ PublishedState: AlertStates.Open }], "the alert is published on mosquitto");
        var watched = await MosquittoSub.RetainedAsync(mosquitto.Port, MosquittoConfig.ObserverAccount, MosquittoConfig.ObserverAccount, observerSecret, Topics.AllAlerts);
        Assert.StartsWith(topic + " {", watched.Output);
        Assert.Equal("", (await MosquittoSub.RetainedAsync(mosquitto.Port, MosquittoConfig.ObserverAccount, MosquittoConfig.ObserverAccount, "wrong", Topics.AllAlerts)).Output);

        reader.Set("box-1", "night", "1", correct: 80, predicted: 100);
        await Eventually.HoldsAsync(() => hub.Get<AlertStore>().List() is [{ PublishedState: "cleared" }], "the resolved alert's topic is cleared");
        Assert.Equal("", (await MosquittoSub.RetainedAsync(mosquitto.Port, MosquittoConfig.ObserverAccount, MosquittoConfig.ObserverAccount, observerSecret, Topics.AllAlerts, seconds: 2)).Output);
    }
}
