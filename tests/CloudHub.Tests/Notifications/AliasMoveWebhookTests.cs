using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Tests.Registry;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Notifications;

public sealed class AliasMoveWebhookTests
{
    private const string Secret = "alias-webhook-secret-0123456789";

    [Fact]
    public async Task An_alias_move_through_the_api_reaches_the_webhook_signed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = TestPackages.TrustDevKey;
        settings[$"{NotificationOptions.Section}:WebhookUrl"] = receiver.Url;
        settings[$"{NotificationOptions.Section}:WebhookSecret"] = Secret;
        await using var hub = await InProcessHub.StartAsync(settings: settings);
        await hub.Get<ModelRegistration>().RegisterAsync(RepositoryPaths.SeedModel, "alice", null, CancellationToken.None);

        using var moved = await hub.ClientAs(OperatorRole.Operator).PutAsJsonAsync("/api/models/vehicle-classifier/aliases/production",
            new { version = "1.0.0", reason = "first release" });

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        await Eventually.HoldsAsync(() => !receiver.Received.IsEmpty, "the webhook receives the alias move");
        var (body, signature, _, _, timestamp) = Assert.Single(receiver.Received);
        Assert.True(WebhookSignature.Verify(Secret, timestamp, body, signature, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        using var json = JsonDocument.Parse(body);
        Assert.Equal(ModelAliases.NotificationKind, json.RootElement.GetProperty("kind").GetString());
        Assert.Equal("vehicle-classifier@production", json.RootElement.GetProperty("subject").GetString());
        Assert.Equal("operator", json.RootElement.GetProperty("detail").GetProperty("operator").GetString());
        Assert.Equal("1.0.0", json.RootElement.GetProperty("detail").GetProperty("to").GetString());
    }
}
