using Gateway.App.Features.Inbox.Deadlines;

namespace Gateway.App.Tests.Inbox.Deadlines;

/// <summary>The shipped holidays file: read, and the days the law and the 2026 decisions give.</summary>
public sealed class PublicHolidaysTests
{
    private static readonly PublicHolidays Shipped = PublicHolidays.Shipped;

    [Theory]
    [InlineData("2026-01-01", PublicHoliday.Holiday)]
    [InlineData("2026-01-02", PublicHoliday.Swap)]
    [InlineData("2026-01-10", PublicHoliday.Work)]
    [InlineData("2026-02-16", PublicHoliday.Holiday)]
    [InlineData("2026-02-20", PublicHoliday.Holiday)]
    [InlineData("2026-04-26", PublicHoliday.Holiday)]
    [InlineData("2026-04-27", PublicHoliday.Compensatory)]
    [InlineData("2026-04-30", PublicHoliday.Holiday)]
    [InlineData("2026-05-01", PublicHoliday.Holiday)]
    [InlineData("2026-08-22", PublicHoliday.Work)]
    [InlineData("2026-08-31", PublicHoliday.Swap)]
    [InlineData("2026-09-01", PublicHoliday.Holiday)]
    [InlineData("2026-09-02", PublicHoliday.Holiday)]
    [InlineData("2027-01-01", PublicHoliday.Holiday)]
    [InlineData("2027-02-06", PublicHoliday.Holiday)]
    [InlineData("2027-02-10", PublicHoliday.Compensatory)]
    [InlineData("2027-04-16", PublicHoliday.Holiday)]
    [InlineData("2027-05-03", PublicHoliday.Compensatory)]
    [InlineData("2027-09-02", PublicHoliday.Holiday)]
    [InlineData("2027-09-03", PublicHoliday.Holiday)]
    public void Should_list_the_day(string date, string kind)
    {
        var day = Shipped.Find(DateOnly.Parse(date));
        Assert.NotNull(day);
        Assert.Equal(kind, day.Kind);
        Assert.False(string.IsNullOrWhiteSpace(day.Name));
        Assert.False(string.IsNullOrWhiteSpace(day.Source));
    }

    [Fact]
    public void Should_ship_2026_and_2027_whole()
    {
        Assert.Equal(new HashSet<int> { 2026, 2027 }, Shipped.Years.ToHashSet());
        Assert.Equal(30, Shipped.Days.Count);
        foreach (var year in new[] { 2026, 2027 })
        {
            // Five Tết days and the single days of Điều 112, with Quốc khánh's second day: 11 holidays a year.
            Assert.Equal(11, Shipped.Days.Count(d => d.Date.Year == year && d.Kind == PublicHoliday.Holiday));
            // Days off on working days: the 11, less those on a weekend, plus a compensatory day for each of those.
            var weekdaysOff = Shipped.Days.Count(d => d.Date.Year == year && d.IsDayOff && d.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
            var worked = Shipped.Days.Count(d => d.Date.Year == year && d.Kind == PublicHoliday.Work);
            Assert.Equal(11, weekdaysOff - worked);
        }
        Assert.All(Shipped.Days.Where(d => d.Kind == PublicHoliday.Work), d => Assert.Equal(DayOfWeek.Saturday, d.Date.DayOfWeek));
        Assert.All(Shipped.Days.Where(d => d.Kind is PublicHoliday.Compensatory or PublicHoliday.Swap),
            d => Assert.True(d.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday), $"{d.Date} is a weekend day"));
        Assert.All(Shipped.Days.Where(d => d.Date.Year == 2027 && d.Source!.StartsWith("ƯỚC TÍNH")), d => Assert.Contains(d.Date.Month, new[] { 2, 9 }));
    }

    [Fact]
    public void Should_read_a_file_and_name_the_row_it_cannot_read()
    {
        var read = PublicHolidays.Parse("test.csv", "date,kind,name,source\r\n2028-01-01,holiday,Tết Dương lịch,\r\n2028-01-08,WORK,Làm bù,x\r\n");
        Assert.Equal(2, read.Days.Count);
        Assert.Null(read.Find(new DateOnly(2028, 1, 1))!.Source);
        Assert.False(read.Find(new DateOnly(2028, 1, 8))!.IsDayOff);

        var badKind = Assert.Throws<InvalidDataException>(() => PublicHolidays.Parse("test.csv", "date,kind,name,source\n2028-01-01,holliday,Tết,\n"));
        Assert.Contains("row 2", badKind.Message);
        Assert.Throws<InvalidDataException>(() => PublicHolidays.Parse("test.csv", "date,kind,name,source\n01/01/2028,holiday,Tết,\n"));
        Assert.Throws<InvalidDataException>(() => PublicHolidays.Parse("test.csv", "date,kind,name,source\n2028-01-01,holiday,Tết,\n2028-01-01,swap,Tết,\n"));
        Assert.Throws<InvalidDataException>(() => PublicHolidays.Parse("test.csv", "date,kind,name\n2028-01-01,holiday,Tết\n"));
    }
}
