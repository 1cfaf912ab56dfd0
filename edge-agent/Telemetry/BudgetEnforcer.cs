namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>Keeps the store's data within its size budget by evicting the oldest records, one kind after another.</summary>
internal sealed class BudgetEnforcer(long budgetBytes)
{
    // Review samples go first: they are the largest rows, and the next low-confidence crop serves review as well as
    // the last. Stats go next: a newer interval says the same about a camera's health. Precision reports follow: each
    // sums a window of events into a few hundred bytes, and losing one leaves a hole in the hub's precision history.
    // Vehicle events go last: they are the counts the operator runs the system for.
    private static readonly StoredKind[] EvictionOrder = [StoredKind.Samples, StoredKind.Stats, StoredKind.Precision, StoredKind.Events];

    // Rows deleted between two size checks: a page is freed only once every row on it is gone, so deleting one small
    // row at a time would measure no progress; eight keeps the overshoot to a few rows.
    private const int RowsPerStep = 8;

    /// <summary>Evicts until the data fits the budget or nothing is left, in one transaction; returns what was evicted.</summary>
    public EvictionCounts Enforce(StoreDatabase database)
    {
        var evicted = new EvictionCounts();
        if (database.UsedBytes() <= budgetBytes)
            return evicted;
        database.InTransaction(() =>
        {
            foreach (var kind in EvictionOrder)
            {
                while (database.UsedBytes() > budgetBytes && database.EvictOldest(kind, RowsPerStep) is var removed and > 0)
                    evicted = evicted.Add(kind, removed);
            }
        });
        return evicted;
    }
}
