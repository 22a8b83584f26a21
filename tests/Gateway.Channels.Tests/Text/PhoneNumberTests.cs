using Gateway.Channels.Text;

namespace Gateway.Channels.Tests.Text;

public class PhoneNumberTests
{
    [Theory]
    [InlineData("0912345678", "+84912345678")]
    [InlineData("84912345678", "+84912345678")]
    [InlineData("+84912345678", "+84912345678")]
    [InlineData("+84 912 345 678", "+84912345678")]
    [InlineData("0912.345.678", "+84912345678")]
    [InlineData("0912-345-678", "+84912345678")]
    [InlineData("(091) 234 5678", "+84912345678")]
    [InlineData("(+84) 912-345-678", "+84912345678")]
    [InlineData("  0912345678 ", "+84912345678")]
    [InlineData("0084912345678", "+84912345678")]
    [InlineData("tel:+84912345678", "+84912345678")]
    [InlineData("912345678", "+84912345678")]            // bare national number, as ZNS accepts
    [InlineData("0987654321", "+84987654321")]
    [InlineData("0321234567", "+84321234567")]
    [InlineData("0559123456", "+84559123456")]
    // Legacy 11-digit mobiles, converted in 2018: the prefix changes, the last seven digits stay.
    [InlineData("01691234567", "+84391234567")]
    [InlineData("0169 123 4567", "+84391234567")]
    [InlineData("841691234567", "+84391234567")]
    [InlineData("+84 169 123 4567", "+84391234567")]
    [InlineData("01621234567", "+84321234567")]
    [InlineData("01201234567", "+84701234567")]
    [InlineData("01211234567", "+84791234567")]
    [InlineData("01221234567", "+84771234567")]
    [InlineData("01261234567", "+84761234567")]
    [InlineData("01281234567", "+84781234567")]
    [InlineData("01231234567", "+84831234567")]
    [InlineData("01241234567", "+84841234567")]
    [InlineData("01251234567", "+84851234567")]
    [InlineData("01271234567", "+84811234567")]
    [InlineData("01291234567", "+84821234567")]
    [InlineData("01861234567", "+84561234567")]
    [InlineData("01881234567", "+84581234567")]
    [InlineData("01991234567", "+84591234567")]
    // Landline (Lào Cai 0214): valid E.164 even though SMS will not reach it.
    [InlineData("0214 3871 234", "+842143871234")]
    // Other countries, given with + and a country code.
    [InlineData("+12015550123", "+12015550123")]
    [InlineData("+1 (201) 555-0123", "+12015550123")]
    [InlineData("+85512345678", "+85512345678")]
    [InlineData("+4930123456", "+4930123456")]
    public void Normalizes_to_e164(string input, string expected)
    {
        Assert.True(PhoneNumber.TryNormalize(input, out var e164));
        Assert.Equal(expected, e164);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("hello")]
    [InlineData("0912abc678")]
    [InlineData("091234567")]          // one digit short
    [InlineData("09123456789")]        // one digit too many
    [InlineData("0112345678")]         // no such mobile prefix
    [InlineData("01301234567")]        // 11 digits with an unknown legacy prefix
    [InlineData("0084 123")]           // 00 prefix, then too few digits
    [InlineData("+84 123")]            // +84 but not a Vietnamese number
    [InlineData("+84112345678")]
    [InlineData("+1234567")]           // 7 digits: below E.164's useful minimum
    [InlineData("+1234567890123456")]  // 16 digits: above E.164's maximum
    [InlineData("+0123456789")]        // country codes never start with 0
    [InlineData("++84912345678")]
    [InlineData("0912+345678")]
    [InlineData("CUUHO")]              // an alphanumeric sender id
    public void Rejects_garbage(string? input)
    {
        Assert.False(PhoneNumber.TryNormalize(input, out var e164));
        Assert.Equal("", e164);
    }

    [Theory]
    [InlineData("+84912345678", "+8491****678")]
    [InlineData("+842143871234", "+8421*****234")]
    [InlineData("+12015550123", "+1201****123")]
    [InlineData("+4930123456", "+4930***456")]
    public void Masks_all_but_the_prefix_and_last_three_digits(string e164, string masked)
    {
        Assert.Equal(masked, PhoneNumber.Mask(e164));
        Assert.Equal(e164.Length, masked.Length);
    }
}
