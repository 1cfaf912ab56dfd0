namespace EdgeMlops.Synthetic.Conditions;

/// <summary>
/// From <see cref="Start"/> the schedule moves to <see cref="Target"/>: at once when <see cref="RampEnd"/> equals
/// <see cref="Start"/>, otherwise linearly, reaching it at <see cref="RampEnd"/>.
/// </summary>
/// <param name="Target">Condition reached at <see cref="RampEnd"/> and held until the next entry.</param>
/// <param name="Start">When the change begins.</param>
/// <param name="RampEnd">When the change is complete.</param>
public sealed record ConditionScheduleEntry(Condition Target, TimeSpan Start, TimeSpan RampEnd)
{
    /// <summary>True when the change takes time.</summary>
    public bool IsRamp => RampEnd > Start;
}
