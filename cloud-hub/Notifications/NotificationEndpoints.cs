using System.Globalization;
using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Operators;

namespace EdgeMlops.CloudHub.Notifications;

/// <summary><c>GET /api/notifications/deliveries</c> (admin: the bodies name devices and operators): the webhook's log, newest first.</summary>
public static class NotificationEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static RouteGroupBuilder MapNotificationDeliveries(this RouteGroupBuilder api)
    {
        api.MapGet("/notifications/deliveries", (HttpRequest request, WebhookDeliveryLog log) =>
        {
            var limit = DefaultLimit;
            if (request.Query["limit"].ToString() is { Length: > 0 } limitText
                && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
                return ApiProblems.BadParameter("limit", $"'{limitText}' is not a whole number from 1 to {MaxLimit}");
            long? before = null;
            if (request.Query["before"].ToString() is { Length: > 0 } beforeText)
            {
                if (!long.TryParse(beforeText, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                    return ApiProblems.BadParameter("before", $"'{beforeText}' is not a notification id");
                before = id;
            }
            var state = request.Query["state"].ToString() is { Length: > 0 } s ? s : null;
            if (state is not null && state is not (WebhookDeliveryLog.Pending or WebhookDeliveryLog.Delivered or WebhookDeliveryLog.GivenUp or WebhookDeliveryLog.Dropped))
                return ApiProblems.BadParameter("state", $"'{state}' is not pending, delivered, given-up or dropped");
            return TypedResults.Ok(log.Recent(limit, before, state));
        }).RequireAuthorization(OperatorPolicies.Administer);
        return api;
    }
}
