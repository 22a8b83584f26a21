using Gateway.App.Features.Notices.Scheduling;

namespace Gateway.App.Tests.Notices.Scheduling;

public sealed class RecurrenceTests
{
    private static readonly TimeZoneInfo Vietnam = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso + "Z").ToUniversalTime();

    [Fact]
    public void Should_find_next_monday_at_eight_in_vietnam_from_a_utc_instant()
    {
        // Wednesday 4 March 2026, 10:00 UTC (17:00 in Hà Nội) → Monday 9 March 08:00 +07 = 01:00 UTC.
        var next = Recurrence.Next("0 8 * * MON", Utc("2026-03-04T10:00:00"), Vietnam);
        Assert.Equal(Utc("2026-03-09T01:00:00"), next);
        Assert.Equal(TimeSpan.Zero, next!.Value.Offset);
    }

    [Fact]
    public void Should_use_the_local_day_not_the_utc_day()
    {
        // Sunday 23:30 UTC is already Monday 06:30 in Vietnam: Monday 08:00 local is 90 minutes away.
        Assert.Equal(Utc("2026-03-09T01:00:00"), Recurrence.Next("0 8 * * MON", Utc("2026-03-08T23:30:00"), Vietnam));
    }

    [Fact]
    public void Should_be_strictly_after_the_instant_given()
    {
        var occurrence = Utc("2026-03-09T01:00:00");
        Assert.Equal(Utc("2026-03-16T01:00:00"), Recurrence.Next("0 8 * * MON", occurrence, Vietnam));
        Assert.Equal(occurrence, Recurrence.Next("0 8 * * MON", occurrence.AddTicks(-1), Vietnam));
        Assert.Equal(Utc("2026-03-16T01:00:00"), Recurrence.Next("0 8 * * MON", occurrence.AddSeconds(30), Vietnam));
    }

    [Fact]
    public void Should_run_on_the_last_day_of_each_month()
    {
        var february = Recurrence.Next("0 9 L * *", Utc("2026-02-10T00:00:00"), Vietnam);
        Assert.Equal(Utc("2026-02-28T02:00:00"), february);
        Assert.Equal(Utc("2026-03-31T02:00:00"), Recurrence.Next("0 9 L * *", february!.Value, Vietnam));
        Assert.Equal(Utc("2028-02-29T02:00:00"), Recurrence.Next("0 9 L * *", Utc("2028-02-01T00:00:00"), Vietnam));
    }

    [Fact]
    public void Should_skip_months_without_the_31st()
    {
        Assert.Equal(Utc("2026-03-31T01:00:00"), Recurrence.Next("0 8 31 * *", Utc("2026-02-01T00:00:00"), Vietnam));
    }

    [Fact]
    public void Should_run_a_time_skipped_by_daylight_saving_when_the_clocks_jump()
    {
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        // 8 March 2026: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist that day.
        Assert.Equal(Utc("2026-03-08T07:00:00"), Recurrence.Next("30 2 * * *", Utc("2026-03-08T05:00:00"), newYork));
        // 1 November 2026: 01:30 happens twice; the notice goes once, at the first.
        var first = Recurrence.Next("30 1 * * *", Utc("2026-11-01T04:00:00"), newYork);
        Assert.Equal(Utc("2026-11-01T05:30:00"), first);
        Assert.Equal(Utc("2026-11-02T06:30:00"), Recurrence.Next("30 1 * * *", first!.Value, newYork));
    }

    [Theory]
    [InlineData("0 8 * * MON")]
    [InlineData("*/15 7-21 * * 1-5")]
    [InlineData("0 9 L * *")]
    [InlineData("0 8 1,15 * *")]
    public void Should_accept_valid_expressions(string cron) => Assert.Null(Recurrence.Validate(cron));

    [Theory]
    [InlineData("", "required")]
    [InlineData("   ", "required")]
    [InlineData("0 8 * *", "has 4 fields")]
    [InlineData("0 0 8 * * MON", "seconds are not supported")]
    [InlineData("61 8 * * *", "not a valid cron expression")]
    [InlineData("0 8 * * FUNDAY", "not a valid cron expression")]
    [InlineData("0 25 * * *", "not a valid cron expression")]
    [InlineData("0 8 30 2 *", "never occurs")]
    public void Should_say_what_is_wrong_with_an_invalid_expression(string cron, string expected)
    {
        var problem = Recurrence.Validate(cron);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Should_refuse_to_compute_next_for_an_invalid_expression()
    {
        var ex = Assert.Throws<ArgumentException>(() => Recurrence.Next("0 8 * *", DateTimeOffset.UnixEpoch, Vietnam));
        Assert.Contains("has 4 fields", ex.Message);
    }
}
