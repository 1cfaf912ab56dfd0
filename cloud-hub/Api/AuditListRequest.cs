namespace EdgeMlops.CloudHub.Api;

/// <summary>The query string of <c>GET /api/audit</c> (<c>limit, cursor</c>), or a 400 naming the bad parameter.</summary>
public static class AuditListRequest
{
    public static bool TryRead(IQueryCollection query, out long? before, out int limit, out IResult? problem)
    {
        before = null;
        if (!RecordListRequest.TryReadLimit(query, out limit, out problem))
            return false;
        if (query.ContainsKey("cursor"))
        {
            if (!PageCursor.TryDecodeId(query["cursor"].ToString(), out var id))
            {
                problem = ApiProblems.BadParameter("cursor", "cursor is not one this API returned as nextCursor");
                return false;
            }
            before = id;
        }
        return true;
    }
}
