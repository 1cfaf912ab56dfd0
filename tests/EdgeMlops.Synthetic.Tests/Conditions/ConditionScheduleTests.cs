using EdgeMlops.Synthetic.Conditions;

namespace EdgeMlops.Synthetic.Tests.Conditions;

public class ConditionScheduleTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Steps_and_ramps_follow_the_entries()
    {
        var schedule = ConditionSchedule.Parse("day@0,fog:0.8@60s..120s,night@10m");
        Assert.Equal(Condition.Day, schedule.At(S(30)));
        Assert.True(schedule.At(S(60)).IsClear);
        var halfway = schedule.At(S(90));
        Assert.Equal(ConditionKind.Fog, halfway.Kind);
        Assert.Equal(0.4, halfway.Intensity, 6);
        Assert.Equal(new Condition(ConditionKind.Fog, 0.8), schedule.At(S(121)));
        Assert.Equal(new Condition(ConditionKind.Fog, 0.8), schedule.At(S(599)));
        Assert.Equal(new Condition(ConditionKind.Night), schedule.At(S(600)));
        Assert.Equal(new Condition(ConditionKind.Night), schedule.At(TimeSpan.FromHours(5)));
    }

    [Fact]
    public void A_ramp_between_two_kinds_passes_through_clear_weather()
    {
        var schedule = ConditionSchedule.Parse("fog:0.8@0,rain:0.6@10s..20s");
        Assert.Equal(new Condition(ConditionKind.Fog, 0.4), schedule.At(S(12.5)), ConditionComparer);
        Assert.True(schedule.At(S(15)).IsClear);
        var late = schedule.At(S(17.5));
        Assert.Equal(ConditionKind.Rain, late.Kind);
        Assert.Equal(0.3, late.Intensity, 6);
    }

    [Fact]
    public void Before_the_first_entry_it_is_day_and_a_bare_condition_holds_for_ever()
    {
        Assert.Equal(Condition.Day, ConditionSchedule.Parse("night@5s").At(S(4)));
        Assert.Equal(new Condition(ConditionKind.Fog, 0.3), ConditionSchedule.Parse("fog:0.3").At(TimeSpan.FromDays(3)));
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("2m", 120)]
    [InlineData("1.5h", 5400)]
    [InlineData("7", 7)]
    public void Time_units_are_understood(string time, double seconds)
    {
        var schedule = ConditionSchedule.Parse($"night@{time}");
        Assert.Equal(S(seconds), schedule.Entries[0].Start);
    }

    [Theory]
    [InlineData("day@0,fog@10s,rain@5s")]
    [InlineData("fog@0..10s,rain@5s")]
    [InlineData("fog@20s..10s")]
    [InlineData("fog@soon")]
    [InlineData("fog@-5s")]
    [InlineData("day@0,fog")]
    [InlineData("hail@0")]
    public void Invalid_schedules_are_rejected(string text) =>
        Assert.Throws<FormatException>(() => ConditionSchedule.Parse(text));

    [Fact]
    public void Text_form_round_trips()
    {
        const string text = "day@0s,fog:0.8@60s..120s,night@600s";
        Assert.Equal(text, ConditionSchedule.Parse(text).ToString());
    }

    private static readonly IEqualityComparer<Condition> ConditionComparer = EqualityComparer<Condition>.Create(
        (a, b) => a!.Kind == b!.Kind && Math.Abs(a.Intensity - b.Intensity) < 1e-9, c => (int)c.Kind);
}
