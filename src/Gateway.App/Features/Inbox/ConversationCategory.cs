namespace Gateway.App.Features.Inbox;

/// <summary>What a conversation is about, as a commune office files it; deadlines are set per category.</summary>
public static class ConversationCategory
{
    public const string CivilStatus = "civil_status", Land = "land", SocialWelfare = "social_welfare", Health = "health",
        Education = "education", Security = "security", Infrastructure = "infrastructure", Other = "other";

    public static readonly string[] All = [CivilStatus, Land, SocialWelfare, Health, Education, Security, Infrastructure, Other];

    public static string Label(string? category) => category switch
    {
        CivilStatus => "Hộ tịch",
        Land => "Đất đai",
        SocialWelfare => "An sinh xã hội",
        Health => "Y tế",
        Education => "Giáo dục",
        Security => "An ninh, trật tự",
        Infrastructure => "Hạ tầng",
        Other => "Khác",
        _ => "Chưa phân loại",
    };
}
