<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
    <context>
        <name>CallScreen</name>
        <message>
            <source>正在打开村民的画面…</source>
            <translation>Opening the villager's picture…</translation>
        </message>
        <message>
            <source>您自己</source>
            <translation>You</translation>
        </message>
        <message>
            <source>问题：%1</source>
            <translation>Topic: %1</translation>
        </message>
        <message>
            <source>挂断</source>
            <translation>Hang up</translation>
        </message>
        <message>
            <source>正在打开律师的画面…</source>
            <translation>Opening the lawyer's picture…</translation>
        </message>
        <message>
            <source>通话中 %1</source>
            <translation>In call %1</translation>
        </message>
    </context>
    <context>
        <name>ConnectingScreen</name>
        <message>
            <source>律师视频</source>
            <translation>Video call a lawyer</translation>
        </message>
        <message>
            <source>律师已接听，正在打开视频…</source>
            <translation>The lawyer answered. Opening the video…</translation>
        </message>
        <message>
            <source>正在为您接通值班律师…</source>
            <translation>Calling the lawyer on duty for you…</translation>
        </message>
        <message>
            <source>您排在第</source>
            <translation>You are number</translation>
        </message>
        <message>
            <source>位</source>
            <translation>in line</translation>
        </message>
        <message>
            <source>%1 正在和您连线</source>
            <translation>%1 is connecting to you</translation>
        </message>
        <message>
            <source>请稍等，律师马上就来</source>
            <translation>Please wait, a lawyer will be with you soon</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
    </context>
    <context>
        <name>DutyScreen</name>
        <message>
            <source>律师工作台</source>
            <translation>Lawyer desk</translation>
        </message>
        <message>
            <source>您在岗，正在等待村民来电</source>
            <translation>You are on duty, waiting for villagers' calls</translation>
        </message>
        <message>
            <source>您已离岗，不会有来电</source>
            <translation>You are off duty; no calls will come</translation>
        </message>
        <message>
            <source>在岗</source>
            <translation>On duty</translation>
        </message>
        <message>
            <source>离岗</source>
            <translation>Off duty</translation>
        </message>
    </context>
    <context>
        <name>EndedScreen</name>
        <message>
            <source>通话已结束</source>
            <translation>The call has ended</translation>
        </message>
        <message>
            <source>谢谢您的使用。有需要可以随时再来。</source>
            <translation>Thank you. Come back any time you need help.</translation>
        </message>
        <message>
            <source>%1 秒后回到首页</source>
            <translation>Back to the start in %1 seconds</translation>
        </message>
        <message>
            <source>回到首页</source>
            <translation>Back to start</translation>
        </message>
    </context>
    <context>
        <name>FailedScreen</name>
        <message>
            <source>律师视频</source>
            <translation>Video call a lawyer</translation>
        </message>
        <message>
            <source>没能接通</source>
            <translation>The call did not go through</translation>
        </message>
        <message>
            <source>您可以再试一次，或拨打法律服务热线 %1。</source>
            <translation>You can try again, or phone the legal hotline %1.</translation>
        </message>
        <message>
            <source>重试</source>
            <translation>Try again</translation>
        </message>
        <message>
            <source>返回首页</source>
            <translation>Back to start</translation>
        </message>
    </context>
    <context>
        <name>HomeScreen</name>
        <message>
            <source>村居公共法律服务</source>
            <translation>Village legal services</translation>
        </message>
        <message>
            <source>法律服务热线 %1</source>
            <translation>Legal hotline %1</translation>
        </message>
        <message>
            <source>法律咨询</source>
            <translation>Legal questions</translation>
        </message>
        <message>
            <source>常见问题和法律条文</source>
            <translation>Common questions and the law</translation>
        </message>
        <message>
            <source>办事申请</source>
            <translation>Applications</translation>
        </message>
        <message>
            <source>法律援助、调解、公证预约</source>
            <translation>Legal aid, mediation, notary</translation>
        </message>
        <message>
            <source>律师视频</source>
            <translation>Video call a lawyer</translation>
        </message>
        <message>
            <source>和值班律师面对面说话</source>
            <translation>Talk face to face with the lawyer on duty</translation>
        </message>
        <message>
            <source>使用帮助</source>
            <translation>How to use</translation>
        </message>
        <message>
            <source>一步一步教您使用</source>
            <translation>Step-by-step help</translation>
        </message>
        <message>
            <source>知道了</source>
            <translation>OK</translation>
        </message>
    </context>
    <context>
        <name>LoginScreen</name>
        <message>
            <source>律师工作台 · 登录</source>
            <translation>Lawyer desk · Log in</translation>
        </message>
        <message>
            <source>用户名</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>密码</source>
            <translation>Password</translation>
        </message>
        <message>
            <source>正在登录…</source>
            <translation>Logging in…</translation>
        </message>
        <message>
            <source>登录</source>
            <translation>Log in</translation>
        </message>
    </context>
    <context>
        <name>Main</name>
        <message>
            <source>律师工作台</source>
            <translation>Lawyer desk</translation>
        </message>
        <message>
            <source>村居公共法律服务</source>
            <translation>Village legal services</translation>
        </message>
    </context>
    <context>
        <name>NoLawyerScreen</name>
        <message>
            <source>律师视频</source>
            <translation>Video call a lawyer</translation>
        </message>
        <message>
            <source>请用电话拨打法律服务热线：</source>
            <translation>Please phone the legal hotline:</translation>
        </message>
        <message>
            <source>返回首页</source>
            <translation>Back to start</translation>
        </message>
    </context>
    <context>
        <name>RingingScreen</name>
        <message>
            <source>村民来电</source>
            <translation>Villager calling</translation>
        </message>
        <message>
            <source>地点：%1</source>
            <translation>Place: %1</translation>
        </message>
        <message>
            <source>问题：%1</source>
            <translation>Topic: %1</translation>
        </message>
        <message>
            <source>接听</source>
            <translation>Answer</translation>
        </message>
        <message>
            <source>拒接</source>
            <translation>Decline</translation>
        </message>
    </context>
    <context>
        <name>texts</name>
        <message>
            <source>等了太久没有回应，请稍后再试。</source>
            <translation>No answer for too long. Please try again later.</translation>
        </message>
        <message>
            <source>连不上服务器，请检查网络后再试。</source>
            <translation>Cannot reach the server. Please check the network and try again.</translation>
        </message>
        <message>
            <source>出了点问题，请稍后再试。</source>
            <translation>Something went wrong. Please try again later.</translation>
        </message>
        <message>
            <source>此功能正在建设中，请先使用“律师视频”，或拨打 12348 法律服务热线。</source>
            <translation>This service is not ready yet. Please use “Video call a lawyer”, or phone the 12348 legal hotline.</translation>
        </message>
        <message>
            <source>一般咨询</source>
            <translation>General question</translation>
        </message>
        <message>
            <source>婚姻家庭</source>
            <translation>Marriage and family</translation>
        </message>
        <message>
            <source>劳动争议、欠薪</source>
            <translation>Work disputes, unpaid wages</translation>
        </message>
        <message>
            <source>交通事故</source>
            <translation>Traffic accident</translation>
        </message>
        <message>
            <source>借贷合同</source>
            <translation>Loans and contracts</translation>
        </message>
        <message>
            <source>土地承包</source>
            <translation>Land contracts</translation>
        </message>
        <message>
            <source>房产物业</source>
            <translation>Housing and property</translation>
        </message>
        <message>
            <source>继承赡养</source>
            <translation>Inheritance and support of parents</translation>
        </message>
        <message>
            <source>刑事</source>
            <translation>Criminal matter</translation>
        </message>
        <message>
            <source>没能接通，请稍后再试。</source>
            <translation>The call did not go through. Please try again later.</translation>
        </message>
        <message>
            <source>现在没有值班律师。</source>
            <translation>No lawyer is on duty right now.</translation>
        </message>
        <message>
            <source>请填写用户名和密码。</source>
            <translation>Please enter your user name and password.</translation>
        </message>
    </context>
</TS>
