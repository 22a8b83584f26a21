using Gateway.App.Features.Inbox.Deadlines;

namespace Gateway.App.Tests.Inbox.Deadlines;

/// <summary>Working time: office hours on working days, Vietnam time, with the shipped public holidays.</summary>
public sealed class WorkingCalendarTests
{
    private static readonly WorkingCalendar Calendar = new(WorkingSchedule.Default, PublicHolidays.Shipped);

    /// <summary>Vietnam local time (UTC+7) as stored: unix milliseconds.</summary>
    internal static long Vn(int year, int month, int day, int hour, int minute) =>
        new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.FromHours(7)).ToUnixTimeMilliseconds();

    private static string Show(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromHours(7)).ToString("ddd yyyy-MM-dd HH:mm");

    private static void AssertAdds(long start, int minutes, long expected) =>
        Assert.Equal(Show(expected), Show(Calendar.AddMinutes(start, minutes)));

    [Fact]
    public void Should_skip_the_weekend_Gio_To_on_Sunday_and_its_compensatory_Monday()
    {
        // Friday 24/4/2026 16:50: ten minutes today; Sat, Sun 26/4 (Giỗ Tổ), Mon 27/4 (nghỉ bù) off; 3h50 on Tuesday.
        var friday = Vn(2026, 4, 24, 16, 50);
        Assert.Equal(Vn(2026, 4, 28, 11, 20), Calendar.AddMinutes(friday, 240));
        Assert.Equal(240, Calendar.MinutesBetween(friday, Vn(2026, 4, 28, 11, 20)));
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2026, 4, 27)));
    }

    [Fact]
    public void Should_skip_the_National_Day_break_with_its_exchanged_Monday()
    {
        // Friday 28/8/2026 16:50: Sat 29, Sun 30, Mon 31/8 (exchanged for Sat 22/8), Tue 1/9 and Wed 2/9 off.
        AssertAdds(Vn(2026, 8, 28, 16, 50), 240, Vn(2026, 9, 3, 11, 20));
    }

    [Fact]
    public void Should_count_the_Saturday_worked_in_exchange()
    {
        AssertAdds(Vn(2026, 8, 21, 16, 50), 240, Vn(2026, 8, 22, 11, 20));
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2026, 8, 22)));
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2026, 8, 29)));
    }

    [Theory]
    [InlineData(2026, 2, 13, 2026, 2, 23)] // Tết Bính Ngọ: Mon 16/2 – Fri 20/2
    [InlineData(2025, 12, 31, 2026, 1, 5)]  // 1/1/2026 and Fri 2/1 (exchanged for Sat 10/1)
    [InlineData(2027, 2, 3, 2027, 2, 11)]   // Tết Đinh Mùi (estimated): Thu 4/2 – Wed 10/2
    [InlineData(2027, 4, 29, 2027, 5, 4)]   // 30/4 Fri, 1/5 Sat and its compensatory Mon 3/5
    public void Should_skip_the_holidays_of_the_shipped_years(int y, int m, int d, int y2, int m2, int d2) =>
        AssertAdds(Vn(y, m, d, 16, 0), 120, Vn(y2, m2, d2, 8, 30));

    [Fact]
    public void Should_skip_the_lunch_break()
    {
        var monday = new DateOnly(2026, 11, 23);
        AssertAdds(Vn(2026, 11, 23, 11, 0), 60, Vn(2026, 11, 23, 14, 0));  // 30 minutes before lunch, 30 after
        AssertAdds(Vn(2026, 11, 23, 11, 0), 30, Vn(2026, 11, 23, 11, 30)); // ends at the break, not after it
        AssertAdds(Vn(2026, 11, 23, 12, 15), 60, Vn(2026, 11, 23, 14, 30)); // written at lunch: counted from 13:30
        Assert.Equal(TimeSpan.Zero, Calendar.Between(Vn(2026, 11, 23, 11, 30), Vn(2026, 11, 23, 13, 30)));
        Assert.Equal(TimeSpan.FromHours(7.5), Calendar.Between(Vn(2026, 11, 23, 0, 0), Vn(2026, 11, 24, 0, 0)));
        Assert.True(Calendar.IsWorkingDay(monday));
    }

    [Fact]
    public void Should_skip_the_weekend_and_the_night()
    {
        AssertAdds(Vn(2026, 11, 27, 16, 0), 120, Vn(2026, 11, 30, 8, 30)); // Friday → Monday
        AssertAdds(Vn(2026, 11, 28, 10, 0), 60, Vn(2026, 11, 30, 8, 30));  // written on Saturday
        AssertAdds(Vn(2026, 11, 24, 6, 0), 60, Vn(2026, 11, 24, 8, 30));   // before the office opens
        AssertAdds(Vn(2026, 11, 24, 16, 50), 10, Vn(2026, 11, 24, 17, 0)); // the last minutes of the day
        AssertAdds(Vn(2026, 11, 24, 16, 50), 11, Vn(2026, 11, 25, 7, 31));
        Assert.Equal(TimeSpan.FromHours(2), Calendar.Between(Vn(2026, 11, 27, 16, 0), Vn(2026, 11, 30, 8, 30)));
        Assert.Equal(TimeSpan.FromHours(-2), Calendar.Between(Vn(2026, 11, 30, 8, 30), Vn(2026, 11, 27, 16, 0)));
    }

    [Fact]
    public void Should_count_back_what_it_added()
    {
        var starts = new[] { Vn(2026, 4, 24, 16, 50), Vn(2026, 2, 12, 9, 17), Vn(2026, 8, 21, 12, 0), Vn(2026, 12, 31, 23, 59), Vn(2027, 9, 1, 7, 0) };
        foreach (var start in starts)
            foreach (var minutes in new[] { 1, 59, 240, 450, 451, 1350, 4500 })
                Assert.Equal(minutes, Calendar.MinutesBetween(start, Calendar.AddMinutes(start, minutes)));
    }

    [Fact]
    public void Should_follow_configured_hours_days_and_offset()
    {
        var saturdays = new WorkingCalendar(
            WorkingSchedule.Parse(new WorkingHoursOptions { Days = "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday", Hours = "08:00-12:00" }),
            PublicHolidays.None);
        Assert.Equal(Vn(2026, 11, 28, 9, 0), saturdays.AddMinutes(Vn(2026, 11, 27, 11, 0), 120));
        Assert.Equal(TimeSpan.FromHours(4), saturdays.Schedule.DayLength);

        var utc = new WorkingCalendar(WorkingSchedule.Parse(new WorkingHoursOptions { UtcOffset = TimeSpan.Zero }), PublicHolidays.None);
        // 16:50 in Vietnam is 09:50 UTC: a UTC office still has the whole morning left.
        Assert.Equal(Vn(2026, 11, 27, 18, 0), utc.AddMinutes(Vn(2026, 11, 27, 16, 50), 70));
    }

    [Theory]
    [InlineData("Mon,Funday", "07:30-11:30", "Funday")]
    [InlineData("", "07:30-11:30", "no working day")]
    [InlineData("Mon", "07:30-11:30,11:00-17:00", "overlaps")]
    [InlineData("Mon", "11:30-07:30", "not a period")]
    [InlineData("Mon", "", "no working period")]
    public void Should_refuse_hours_it_cannot_read(string days, string hours, string problem)
    {
        Assert.False(WorkingSchedule.TryParse(new WorkingHoursOptions { Days = days, Hours = hours }, out _, out var why));
        Assert.Contains(problem, why);
    }
}
