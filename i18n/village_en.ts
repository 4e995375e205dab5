<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
    <context>
        <name>AccessBar</name>
        <message>
            <source>小字</source>
            <translation>Normal text</translation>
        </message>
        <message>
            <source>大字</source>
            <translation>Larger text</translation>
        </message>
        <message>
            <source>停止朗读</source>
            <translation>Stop reading</translation>
        </message>
        <message>
            <source>朗读</source>
            <translation>Read aloud</translation>
        </message>
    </context>
    <context>
        <name>ApplicationsTab</name>
        <message>
            <source>村民申请</source>
            <translation>Villagers' applications</translation>
        </message>
        <message>
            <source>正在加载…</source>
            <translation>Loading…</translation>
        </message>
        <message>
            <source>返回值班</source>
            <translation>Back to duty</translation>
        </message>
        <message>
            <source>刷新</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source> · 绿色通道</source>
            <translation> · green channel</translation>
        </message>
        <message>
            <source> · 代填</source>
            <translation> · filled in by staff</translation>
        </message>
        <message>
            <source>受理号 %1 · 现在：%2</source>
            <translation>Tracking no. %1 · now: %2</translation>
        </message>
        <message>
            <source>给群众的说明（可不填），例如：请带户口簿到中心</source>
            <translation>Note for the villager (optional), e.g. please bring your household register</translation>
        </message>
        <message>
            <source>打开PDF</source>
            <translation>Open PDF</translation>
        </message>
    </context>
    <context>
        <name>ApplyChooser</name>
        <message>
            <source>查询办理进度</source>
            <translation>Check progress</translation>
        </message>
        <message>
            <source>用受理号查</source>
            <translation>With your tracking number</translation>
        </message>
        <message>
            <source>返回首页</source>
            <translation>Home</translation>
        </message>
    </context>
    <context>
        <name>ApplyScreen</name>
        <message>
            <source>办事申请</source>
            <translation>Applications</translation>
        </message>
        <message>
            <source>第 %1 步，共 %2 步</source>
            <translation>Step %1 of %2</translation>
        </message>
        <message>
            <source>正在保存您的申请，请稍等…</source>
            <translation>Saving your application, please wait…</translation>
        </message>
    </context>
    <context>
        <name>AttractScreen</name>
        <message>
            <source>请点击屏幕开始</source>
            <translation>Touch the screen to start</translation>
        </message>
        <message>
            <source>法律咨询</source>
            <translation>Legal questions</translation>
        </message>
        <message>
            <source>办事申请</source>
            <translation>Apply for services</translation>
        </message>
        <message>
            <source>律师视频</source>
            <translation>Video call a lawyer</translation>
        </message>
        <message>
            <source>使用帮助</source>
            <translation>How to use</translation>
        </message>
        <message>
            <source>免费 · 不出村 · 法律服务热线 %1</source>
            <translation>Free · Right here in the village · Legal hotline %1</translation>
        </message>
    </context>
    <context>
        <name>BreakNotice</name>
        <message>
            <source>已暂停给您派单</source>
            <translation>Calls to you are paused</translation>
        </message>
        <message>
            <source>您连续几次没有接听来电，系统先把您设为休息，来电会转给其他律师。</source>
            <translation>You missed several calls in a row, so you were put on a break; calls go to other lawyers.</translation>
        </message>
        <message>
            <source>准备好接听了，请点下面的按钮。</source>
            <translation>When you are ready to take calls, tap the button below.</translation>
        </message>
        <message>
            <source>回到在岗</source>
            <translation>Back on duty</translation>
        </message>
    </context>
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
            <source>查资料 / 推送</source>
            <translation>Look up / Push</translation>
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
        <message>
            <source>请把耳机插进耳机孔</source>
            <translation>Please plug the headphones into the headphone socket</translation>
        </message>
        <message>
            <source>耳机</source>
            <translation>Headphones</translation>
        </message>
        <message>
            <source>外放</source>
            <translation>Speaker</translation>
        </message>
    </context>
    <context>
        <name>CallTopicsScreen</name>
        <message>
            <source>您想问哪方面的事？</source>
            <translation>What is your question about?</translation>
        </message>
        <message>
            <source>返回</source>
            <translation>Back</translation>
        </message>
    </context>
    <context>
        <name>CallbackPanel</name>
        <message>
            <source>刚刚</source>
            <translation>just now</translation>
        </message>
        <message>
            <source>%1 分钟前</source>
            <translation>%1 min ago</translation>
        </message>
        <message>
            <source>%1 小时前</source>
            <translation>%1 h ago</translation>
        </message>
        <message>
            <source>%1 天前</source>
            <translation>%1 days ago</translation>
        </message>
        <message>
            <source>待回电（%1）</source>
            <translation>To call back (%1)</translation>
        </message>
        <message>
            <source>现在没有要回电的村民。</source>
            <translation>Nobody is waiting for a call back.</translation>
        </message>
        <message>
            <source>提交中…</source>
            <translation>Sending…</translation>
        </message>
        <message>
            <source>已回电</source>
            <translation>Called back</translation>
        </message>
    </context>
    <context>
        <name>CallbackScreen</name>
        <message>
            <source>请律师回电</source>
            <translation>Ask for a call back</translation>
        </message>
        <message>
            <source>咨询：%1</source>
            <translation>About: %1</translation>
        </message>
        <message>
            <source>请输入您的电话号码，律师会打给您。</source>
            <translation>Enter your phone number and a lawyer will call you.</translation>
        </message>
        <message>
            <source>手机：1开头的11位数字。座机：先输区号。</source>
            <translation>Mobile: 11 digits starting with 1. Landline: area code first.</translation>
        </message>
        <message>
            <source>返回</source>
            <translation>Back</translation>
        </message>
        <message>
            <source>正在提交…</source>
            <translation>Sending…</translation>
        </message>
        <message>
            <source>确定</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>已经记下了，律师会尽快给您回电。</source>
            <translation>Noted. A lawyer will call you back soon.</translation>
        </message>
        <message>
            <source>您的事项编号是：</source>
            <translation>Your tracking number:</translation>
        </message>
        <message>
            <source>请记下这个编号。没接到电话时，可以拨打热线报这个编号。</source>
            <translation>Please note this number. If no call comes, phone the hotline and give this number.</translation>
        </message>
        <message>
            <source>回到首页</source>
            <translation>Home</translation>
        </message>
    </context>
    <context>
        <name>ChineseTextField</name>
        <message>
            <source>拼音</source>
            <translation>Keyboard</translation>
        </message>
        <message>
            <source>手写</source>
            <translation>Handwriting</translation>
        </message>
    </context>
    <context>
        <name>ConnectingScreen</name>
        <message>
            <source>律师视频</source>
            <translation>Video call a lawyer</translation>
        </message>
        <message>
            <source>正在重新连接…</source>
            <translation>Reconnecting…</translation>
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
            <source>正在排队，请稍等…</source>
            <translation>You are in the queue, please wait…</translation>
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
            <source>大约还要等</source>
            <translation>About</translation>
        </message>
        <message>
            <source>分钟</source>
            <translation>min to wait</translation>
        </message>
        <message>
            <source>马上就轮到您了</source>
            <translation>It is your turn very soon</translation>
        </message>
        <message>
            <source>要等的时间比较长。您也可以留下电话，请律师给您回电。</source>
            <translation>The wait is long. You can also leave your number and a lawyer will call you back.</translation>
        </message>
        <message>
            <source>您的排队位置会为您保留</source>
            <translation>Your place in the queue is kept for you</translation>
        </message>
        <message>
            <source>%1 正在和您连线</source>
            <translation>%1 is connecting to you</translation>
        </message>
        <message>
            <source>轮到您时，值班律师就会接听</source>
            <translation>The duty lawyer will answer when it is your turn</translation>
        </message>
        <message>
            <source>请稍等，律师马上就来</source>
            <translation>Please wait, a lawyer will be with you soon</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>请律师回电</source>
            <translation>Ask for a call back</translation>
        </message>
    </context>
    <context>
        <name>ConsultAnswer</name>
        <message>
            <source>您可以这样做：</source>
            <translation>What you can do:</translation>
        </message>
        <message>
            <source>法律依据（点一下看条文）：</source>
            <translation>Legal basis (tap to read the article):</translation>
        </message>
        <message>
            <source>用手机扫一扫，把答案带回家</source>
            <translation>Scan with your phone to take this answer home</translation>
        </message>
        <message>
            <source>找律师视频</source>
            <translation>Video call a lawyer</translation>
        </message>
    </context>
    <context>
        <name>ConsultQuestions</name>
        <message>
            <source>请点您想问的问题：</source>
            <translation>Tap the question you want to ask:</translation>
        </message>
    </context>
    <context>
        <name>ConsultScreen</name>
        <message>
            <source>法律咨询</source>
            <translation>Legal questions</translation>
        </message>
        <message>
            <source>搜索问题</source>
            <translation>Search</translation>
        </message>
        <message>
            <source>法律条文</source>
            <translation>Law articles</translation>
        </message>
        <message>
            <source>返回</source>
            <translation>Back</translation>
        </message>
        <message>
            <source>首页</source>
            <translation>Home</translation>
        </message>
        <message>
            <source>知道了</source>
            <translation>OK</translation>
        </message>
    </context>
    <context>
        <name>ConsultSearch</name>
        <message>
            <source>说说您遇到的事，比如：老板欠我工资不给怎么办</source>
            <translation>Say what happened, e.g. my boss will not pay my wages</translation>
        </message>
        <message>
            <source>看结果</source>
            <translation>Results</translation>
        </message>
        <message>
            <source>法律条文还在准备中，准备好就马上为您查找。</source>
            <translation>The law articles are still being prepared; we will search as soon as they are ready.</translation>
        </message>
        <message>
            <source>正在查找…</source>
            <translation>Searching…</translation>
        </message>
        <message>
            <source>没有找到相关的内容。
您可以换个说法再试，或者点“律师视频”直接问律师。</source>
            <translation>Nothing found.
Try other words, or tap "Video call" to ask a lawyer.</translation>
        </message>
        <message>
            <source>用几个字说说您的事就行，比如“离婚”“欠工资”“交通事故”。
也可以输入法律条文，比如“民法典1079”。</source>
            <translation>A few words are enough, e.g. "divorce", "unpaid wages", "traffic accident".
You can also type an article, e.g. "民法典1079".</translation>
        </message>
        <message>
            <source>打开 %1</source>
            <translation>Open %1</translation>
        </message>
        <message>
            <source>常见问题</source>
            <translation>Common questions</translation>
        </message>
        <message>
            <source>法律条文</source>
            <translation>Law articles</translation>
        </message>
        <message>
            <source>没找到合适的答案。可以把您搜的话告诉法律服务中心，帮我们补上吗？</source>
            <translation>No good answer found. May we pass your words to the legal service centre so they can add one?</translation>
        </message>
        <message>
            <source>可以</source>
            <translation>Yes</translation>
        </message>
        <message>
            <source>不用</source>
            <translation>No</translation>
        </message>
    </context>
    <context>
        <name>ConsultSpeechButton</name>
        <message>
            <source>停止</source>
            <translation>Stop</translation>
        </message>
        <message>
            <source>朗读</source>
            <translation>Read aloud</translation>
        </message>
    </context>
    <context>
        <name>ConsultTextSize</name>
        <message>
            <source>A−</source>
            <translation>A−</translation>
        </message>
        <message>
            <source>字变小</source>
            <translation>Smaller text</translation>
        </message>
        <message>
            <source>A+</source>
            <translation>A+</translation>
        </message>
        <message>
            <source>字变大</source>
            <translation>Larger text</translation>
        </message>
    </context>
    <context>
        <name>ConsultTopics</name>
        <message>
            <source>搜索问题</source>
            <translation>Search</translation>
        </message>
        <message>
            <source>点这里输入您的问题，比如：老板欠工资</source>
            <translation>Tap here to type your question, e.g. unpaid wages</translation>
        </message>
        <message>
            <source>按法律查找</source>
            <translation>Browse laws</translation>
        </message>
    </context>
    <context>
        <name>ConsultViewModel</name>
        <message>
            <source>申请法律援助</source>
            <translation>Apply for legal aid</translation>
        </message>
        <message>
            <source>申请人民调解</source>
            <translation>Apply for mediation</translation>
        </message>
        <message>
            <source>公证预约</source>
            <translation>Book a notary</translation>
        </message>
        <message>
            <source>预约法律顾问</source>
            <translation>Book the village legal adviser</translation>
        </message>
        <message>
            <source>请律师回电话</source>
            <translation>Ask a lawyer to call back</translation>
        </message>
        <message>
            <source>法律条文暂时打不开，常见问题仍可查看。</source>
            <translation>The law articles cannot be opened now; the common questions still work.</translation>
        </message>
        <message>
            <source>正在准备法律条文… %1%</source>
            <translation>Preparing the law articles… %1%</translation>
        </message>
        <message>
            <source>法律条文还在准备中，请稍等一会儿再点。</source>
            <translation>The law articles are still being prepared; please tap again in a moment.</translation>
        </message>
        <message>
            <source>也搜索了：%1</source>
            <translation>Also searched: %1</translation>
        </message>
    </context>
    <context>
        <name>DeskHelpField</name>
        <message>
            <source>村民填的</source>
            <translation>Filled in by the villager</translation>
        </message>
        <message>
            <source>您填的</source>
            <translation>Filled in by you</translation>
        </message>
        <message>
            <source>是</source>
            <translation>Yes</translation>
        </message>
        <message>
            <source>否</source>
            <translation>No</translation>
        </message>
        <message>
            <source>村民已在终端上签好</source>
            <translation>The villager has signed on the terminal</translation>
        </message>
        <message>
            <source>由村民在终端上签名或拍照</source>
            <translation>The villager signs or takes the photo on the terminal</translation>
        </message>
    </context>
    <context>
        <name>DeskHelpPanel</name>
        <message>
            <source>查解答和法条</source>
            <translation>Answers and articles</translation>
        </message>
        <message>
            <source>推送表格</source>
            <translation>Send a form</translation>
        </message>
        <message>
            <source>一起填表</source>
            <translation>Fill in together</translation>
        </message>
        <message>
            <source>输入问题或法条，如：民法典 1079、欠工资</source>
            <translation>Type a question or an article, e.g. Civil Code 1079, unpaid wages</translation>
        </message>
        <message>
            <source>按法律浏览</source>
            <translation>Browse a law</translation>
        </message>
        <message>
            <source>法条检索正在准备，先可以查常见问题。</source>
            <translation>The statute search is getting ready; the common questions can be searched now.</translation>
        </message>
        <message>
            <source>推送</source>
            <translation>Show to villager</translation>
        </message>
        <message>
            <source>收起</source>
            <translation>Hide</translation>
        </message>
        <message>
            <source>村民已确认提交，受理号 %1</source>
            <translation>The villager confirmed and submitted it; tracking number %1</translation>
        </message>
    </context>
    <context>
        <name>DutyScreen</name>
        <message>
            <source>律师工作台</source>
            <translation>Lawyer desk</translation>
        </message>
        <message>
            <source>正在重新连接…</source>
            <translation>Reconnecting…</translation>
        </message>
        <message>
            <source>您现在休息中，不会有来电</source>
            <translation>You are on a break: no calls will come</translation>
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
            <source>律师视频</source>
            <translation>Video call a lawyer</translation>
        </message>
        <message>
            <source>通话已结束</source>
            <translation>The call has ended</translation>
        </message>
        <message>
            <source>谢谢您的评价！有需要可以随时再来。</source>
            <translation>Thank you for your rating! Come back any time.</translation>
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
            <source>请律师回电</source>
            <translation>Ask for a call back</translation>
        </message>
        <message>
            <source>返回首页</source>
            <translation>Back to start</translation>
        </message>
    </context>
    <context>
        <name>FormConsent</name>
        <message>
            <source>不同意</source>
            <translation>I do not agree</translation>
        </message>
        <message>
            <source>同意，继续填</source>
            <translation>I agree, continue</translation>
        </message>
    </context>
    <context>
        <name>FormDatePicker</name>
        <message>
            <source>前两周</source>
            <translation>Previous 2 weeks</translation>
        </message>
        <message>
            <source>后两周</source>
            <translation>Next 2 weeks</translation>
        </message>
    </context>
    <context>
        <name>FormEligibility</name>
        <message>
            <source>✔ 您可以申请法律援助</source>
            <translation>✔ You can apply for legal aid</translation>
        </message>
        <message>
            <source>需要中心审查后决定</source>
            <translation>The centre will decide after review</translation>
        </message>
        <message>
            <source>农民工讨薪绿色通道：不审查经济困难条件，优先办理</source>
            <translation>Migrant workers' wage claims: no means test, handled first</translation>
        </message>
        <message>
            <source>依据：%1</source>
            <translation>Basis: %1</translation>
        </message>
        <message>
            <source>收起原文</source>
            <translation>Hide the law</translation>
        </message>
        <message>
            <source>看法律原文</source>
            <translation>Read the law</translation>
        </message>
        <message>
            <source>继续申请</source>
            <translation>Continue</translation>
        </message>
        <message>
            <source>仍然申请</source>
            <translation>Apply anyway</translation>
        </message>
    </context>
    <context>
        <name>FormNavBar</name>
        <message>
            <source>下一步</source>
            <translation>Next</translation>
        </message>
        <message>
            <source>上一步</source>
            <translation>Back</translation>
        </message>
        <message>
            <source>返回首页</source>
            <translation>Home</translation>
        </message>
    </context>
    <context>
        <name>FormNumberPad</name>
        <message>
            <source>请按下面的数字</source>
            <translation>Tap the digits below</translation>
        </message>
        <message>
            <source>删除</source>
            <translation>Delete</translation>
        </message>
        <message>
            <source>清空</source>
            <translation>Clear</translation>
        </message>
    </context>
    <context>
        <name>FormPhotos</name>
        <message>
            <source>正在拍…</source>
            <translation>Taking…</translation>
        </message>
        <message>
            <source>拍一张</source>
            <translation>Take a photo</translation>
        </message>
        <message>
            <source>把材料放在摄像头前面，再点“拍一张”。已拍 %1 张，最多 %2 张。</source>
            <translation>Hold the document in front of the camera and tap "Take a photo". %1 taken, at most %2.</translation>
        </message>
        <message>
            <source>删掉</source>
            <translation>Remove</translation>
        </message>
    </context>
    <context>
        <name>FormRefused</name>
        <message>
            <source>好的，不填了</source>
            <translation>All right, we stop here</translation>
        </message>
        <message>
            <source>返回首页</source>
            <translation>Home</translation>
        </message>
    </context>
    <context>
        <name>FormReview</name>
        <message>
            <source>请核对。要改哪一项，就点哪一项。</source>
            <translation>Please check. Tap any line to change it.</translation>
        </message>
        <message>
            <source>朗读</source>
            <translation>Read aloud</translation>
        </message>
        <message>
            <source>改</source>
            <translation>Change</translation>
        </message>
        <message>
            <source>确认提交</source>
            <translation>Confirm and submit</translation>
        </message>
    </context>
    <context>
        <name>FormSignaturePad</name>
        <message>
            <source>请用手指在这里写上您的名字</source>
            <translation>Sign your name here with your finger</translation>
        </message>
        <message>
            <source>擦掉重写</source>
            <translation>Erase and sign again</translation>
        </message>
    </context>
    <context>
        <name>FormTextInput</name>
        <message>
            <source>用下面的键盘输入</source>
            <translation>Type with the keyboard below</translation>
        </message>
        <message>
            <source>点这里输入</source>
            <translation>Tap here to type</translation>
        </message>
    </context>
    <context>
        <name>FormYesNo</name>
        <message>
            <source>是</source>
            <translation>Yes</translation>
        </message>
        <message>
            <source>不是</source>
            <translation>No</translation>
        </message>
    </context>
    <context>
        <name>HandwritingPad</name>
        <message>
            <source>请在下面的方框里写一个字</source>
            <translation>Write one character in the box below</translation>
        </message>
        <message>
            <source>重写</source>
            <translation>Clear</translation>
        </message>
        <message>
            <source>删一个字</source>
            <translation>Delete one</translation>
        </message>
    </context>
    <context>
        <name>HelpScreen</name>
        <message>
            <source>使用帮助</source>
            <translation>How to use</translation>
        </message>
        <message>
            <source>1. 用手指点一下大方块，就能进去。</source>
            <translation>1. Touch a big square with your finger to open it.</translation>
        </message>
        <message>
            <source>2. 点“律师视频”，就能和律师面对面说话。</source>
            <translation>2. Touch “Video call a lawyer” to talk with a lawyer face to face.</translation>
        </message>
        <message>
            <source>3. 点“办事申请”，一步一步填写，最后点确认。</source>
            <translation>3. Touch “Apply for services”, fill in step by step, then confirm.</translation>
        </message>
        <message>
            <source>4. 字太小就点下面的“大字”，听不清字就点“朗读”。</source>
            <translation>4. Text too small? Touch “Larger text” below. Touch “Read aloud” to hear it.</translation>
        </message>
        <message>
            <source>返回首页</source>
            <translation>Back to start</translation>
        </message>
        <message>
            <source>自动朗读：开</source>
            <translation>Read each screen: on</translation>
        </message>
        <message>
            <source>自动朗读：关</source>
            <translation>Read each screen: off</translation>
        </message>
        <message>
            <source>工作人员</source>
            <translation>Staff</translation>
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
        <name>IdleDialog</name>
        <message>
            <source>还需要更多时间吗？</source>
            <translation>Do you need more time?</translation>
        </message>
        <message>
            <source>到时没有点屏幕，您填写和查看的内容会全部清除，回到开始的画面。</source>
            <translation>If nobody touches the screen, everything you typed or looked at is cleared and the start screen returns.</translation>
        </message>
        <message>
            <source>还要用</source>
            <translation>Yes, more time</translation>
        </message>
        <message>
            <source>不用了</source>
            <translation>No, finish</translation>
        </message>
    </context>
    <context>
        <name>InCallFormField</name>
        <message>
            <source>（必填）</source>
            <translation> (required)</translation>
        </message>
        <message>
            <source>律师填的</source>
            <translation>Filled in by the lawyer</translation>
        </message>
        <message>
            <source>例如 2026-12-01</source>
            <translation>e.g. 2026-12-01</translation>
        </message>
        <message>
            <source>点这里填写</source>
            <translation>Tap here to fill in</translation>
        </message>
        <message>
            <source>是</source>
            <translation>Yes</translation>
        </message>
        <message>
            <source>否</source>
            <translation>No</translation>
        </message>
        <message>
            <source>材料照片可以以后在“办事申请”里补交，现在不用拍。</source>
            <translation>Photos of documents can be added later under "Applications"; no need to take them now.</translation>
        </message>
    </context>
    <context>
        <name>InCallHelpOverlay</name>
        <message>
            <source>朗读</source>
            <translation>Read aloud</translation>
        </message>
        <message>
            <source>关闭</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>律师和您一起填这张表：律师填的会马上出现，您也可以自己改。</source>
            <translation>You and the lawyer fill in this form together: what the lawyer fills in appears at once, and you can change it.</translation>
        </message>
        <message>
            <source>点“确认提交”，就表示您同意以上内容。</source>
            <translation>Tapping "Confirm and submit" means you agree to the above.</translation>
        </message>
        <message>
            <source>确认提交</source>
            <translation>Confirm and submit</translation>
        </message>
        <message>
            <source>先收起</source>
            <translation>Put away</translation>
        </message>
        <message>
            <source>正在保存…</source>
            <translation>Saving…</translation>
        </message>
        <message>
            <source>已经提交，律师也能看到。您的受理号：</source>
            <translation>Submitted; the lawyer can see it too. Your tracking number:</translation>
        </message>
    </context>
    <context>
        <name>LawBrowse</name>
        <message>
            <source>法律条文还在准备中，请稍等。</source>
            <translation>The law articles are still being prepared, please wait.</translation>
        </message>
    </context>
    <context>
        <name>LawBrowser</name>
        <message>
            <source>%1 条</source>
            <translation>%1 articles</translation>
        </message>
        <message>
            <source>%1 部</source>
            <translation>%1 laws</translation>
        </message>
        <message>
            <source>按法律查找</source>
            <translation>Browse laws</translation>
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
            <source>村民申请</source>
            <translation>Villagers' applications</translation>
        </message>
        <message>
            <source>村居公共法律服务</source>
            <translation>Village legal services</translation>
        </message>
        <message>
            <source>知道了</source>
            <translation>OK</translation>
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
        <message>
            <source>请律师回电</source>
            <translation>Ask for a call back</translation>
        </message>
    </context>
    <context>
        <name>OutOfServiceScreen</name>
        <message>
            <source>暂停服务</source>
            <translation>Out of service</translation>
        </message>
        <message>
            <source>机器出了点问题，马上会自动重新开始，请稍等。</source>
            <translation>Something went wrong. The terminal starts again by itself in a moment.</translation>
        </message>
        <message>
            <source>有急事请拨打法律服务热线</source>
            <translation>If it is urgent, call the legal hotline</translation>
        </message>
        <message>
            <source>%1 秒后重新开始</source>
            <translation>Starting again in %1 seconds</translation>
        </message>
    </context>
    <context>
        <name>RatingScreen</name>
        <message>
            <source>通话已结束</source>
            <translation>Call ended</translation>
        </message>
        <message>
            <source>事项编号 %1</source>
            <translation>Tracking no. %1</translation>
        </message>
        <message>
            <source>您对这次服务满意吗？</source>
            <translation>Were you satisfied with this service?</translation>
        </message>
        <message>
            <source>满意</source>
            <translation>Satisfied</translation>
        </message>
        <message>
            <source>一般</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>不满意</source>
            <translation>Not satisfied</translation>
        </message>
        <message>
            <source>跳过</source>
            <translation>Skip</translation>
        </message>
    </context>
    <context>
        <name>ReadAloud</name>
        <message>
            <source>这台终端没有找到喇叭，暂时不能朗读。请找工作人员。</source>
            <translation>This terminal has no speaker, so it cannot read aloud now. Please ask staff.</translation>
        </message>
        <message>
            <source>声音放不出来，请找工作人员检查喇叭。</source>
            <translation>No sound can be played; please ask staff to check the speaker.</translation>
        </message>
    </context>
    <context>
        <name>ReceiptScreen</name>
        <message>
            <source>✔ 您的申请已经保存好了</source>
            <translation>✔ Your application is saved</translation>
        </message>
        <message>
            <source>受理号（请记下来，查询进度要用）</source>
            <translation>Tracking number (write it down to check progress)</translation>
        </message>
        <message>
            <source>手机扫码记下受理号</source>
            <translation>Scan to keep the number</translation>
        </message>
        <message>
            <source>打印回执</source>
            <translation>Print receipt</translation>
        </message>
        <message>
            <source>办完了，返回首页</source>
            <translation>Done, back home</translation>
        </message>
    </context>
    <context>
        <name>ReconnectingBanner</name>
        <message>
            <source>正在重新连接…</source>
            <translation>Reconnecting…</translation>
        </message>
    </context>
    <context>
        <name>RecordingConsentPanel</name>
        <message>
            <source>律师想把这次通话录音录像</source>
            <translation>The lawyer would like to record this call</translation>
        </message>
        <message>
            <source>录像用来调解或公证，加密保存在法律援助中心。您不同意，通话照样进行。录的时候您随时可以按“停止录音”。</source>
            <translation>The recording is for mediation or notarization and is kept encrypted at the legal aid centre. If you say no, the call goes on. While recording you can press "Stop recording" at any time.</translation>
        </message>
        <message>
            <source>同意录音录像</source>
            <translation>Yes, record</translation>
        </message>
        <message>
            <source>不同意</source>
            <translation>No</translation>
        </message>
        <message>
            <source>录音录像中</source>
            <translation>Recording</translation>
        </message>
        <message>
            <source>停止录音</source>
            <translation>Stop recording</translation>
        </message>
        <message>
            <source>录音已停止</source>
            <translation>Recording stopped</translation>
        </message>
        <message>
            <source>这次通话不录音</source>
            <translation>This call is not recorded</translation>
        </message>
    </context>
    <context>
        <name>RecordingControls</name>
        <message>
            <source>请求录音</source>
            <translation>Ask to record</translation>
        </message>
        <message>
            <source>录音录像中</source>
            <translation>Recording</translation>
        </message>
        <message>
            <source>停止录音</source>
            <translation>Stop recording</translation>
        </message>
        <message>
            <source>正在等村民同意录音…</source>
            <translation>Waiting for the villager to agree…</translation>
        </message>
        <message>
            <source>村民不同意，这次不录音</source>
            <translation>The villager said no: this call is not recorded</translation>
        </message>
        <message>
            <source>录音已停止，录像会上传到中心</source>
            <translation>Recording stopped; it will be uploaded to the centre</translation>
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
        <name>SelfTestScreen</name>
        <message>
            <source>正常</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>请注意</source>
            <translation>Warning</translation>
        </message>
        <message>
            <source>有问题</source>
            <translation>Problem</translation>
        </message>
        <message>
            <source>未配置</source>
            <translation>Not set up</translation>
        </message>
        <message>
            <source>设备自检</source>
            <translation>Device check</translation>
        </message>
        <message>
            <source>摄像头画面</source>
            <translation>Camera picture</translation>
        </message>
        <message>
            <source>没有摄像头画面</source>
            <translation>No camera picture</translation>
        </message>
        <message>
            <source>麦克风音量</source>
            <translation>Microphone level</translation>
        </message>
        <message>
            <source>没有找到麦克风</source>
            <translation>No microphone found</translation>
        </message>
        <message>
            <source>重新检测</source>
            <translation>Check again</translation>
        </message>
        <message>
            <source>开始检测</source>
            <translation>Start check</translation>
        </message>
        <message>
            <source>返回</source>
            <translation>Back</translation>
        </message>
        <message>
            <source>点“开始检测”，检查摄像头、麦克风、喇叭、网络和打印机。</source>
            <translation>Touch “Start check” to test the camera, microphone, speaker, network and printer.</translation>
        </message>
    </context>
    <context>
        <name>StaffMattersScreen</name>
        <message>
            <source>本机事项</source>
            <translation>This terminal's matters</translation>
        </message>
        <message>
            <source>还有 %1 项，请在县法律援助中心的管理页面查看。</source>
            <translation>%1 more; see the legal aid centre's console.</translation>
        </message>
        <message>
            <source>返回</source>
            <translation>Back</translation>
        </message>
    </context>
    <context>
        <name>StaffMenuScreen</name>
        <message>
            <source>工作人员模式</source>
            <translation>Staff mode</translation>
        </message>
        <message>
            <source>工号 %1</source>
            <translation>Staff no. %1</translation>
        </message>
        <message>
            <source>代为呼叫律师</source>
            <translation>Call a lawyer for them</translation>
        </message>
        <message>
            <source>协助填表</source>
            <translation>Help fill a form</translation>
        </message>
        <message>
            <source>本机事项</source>
            <translation>This terminal's matters</translation>
        </message>
        <message>
            <source>设备自检</source>
            <translation>Device check</translation>
        </message>
        <message>
            <source>回到首页</source>
            <translation>Back to start</translation>
        </message>
        <message>
            <source>退出工作人员模式</source>
            <translation>Leave staff mode</translation>
        </message>
    </context>
    <context>
        <name>StaffPinScreen</name>
        <message>
            <source>工作人员登录</source>
            <translation>Staff sign-in</translation>
        </message>
        <message>
            <source>请输入工作人员密码</source>
            <translation>Enter the staff PIN</translation>
        </message>
        <message>
            <source>出示工作证</source>
            <translation>Show staff badge</translation>
        </message>
        <message>
            <source>返回</source>
            <translation>Back</translation>
        </message>
        <message>
            <source>删除</source>
            <translation>Delete</translation>
        </message>
        <message>
            <source>确定</source>
            <translation>OK</translation>
        </message>
    </context>
    <context>
        <name>StatusLookup</name>
        <message>
            <source>请输入回执上的受理号（8位）</source>
            <translation>Enter the tracking number on your receipt (8 characters)</translation>
        </message>
        <message>
            <source>请输入您填的手机号码的最后4位</source>
            <translation>Enter the last 4 digits of the phone number you gave</translation>
        </message>
        <message>
            <source>正在查询，请稍等…</source>
            <translation>Checking, please wait…</translation>
        </message>
        <message>
            <source>删除</source>
            <translation>Delete</translation>
        </message>
        <message>
            <source>清空</source>
            <translation>Clear</translation>
        </message>
        <message>
            <source>查询</source>
            <translation>Check</translation>
        </message>
        <message>
            <source>下一步</source>
            <translation>Next</translation>
        </message>
    </context>
    <context>
        <name>WrapUpPanel</name>
        <message>
            <source>整理这次通话</source>
            <translation>Notes on this call</translation>
        </message>
        <message>
            <source>还剩 %1 秒</source>
            <translation>%1 s left</translation>
        </message>
        <message>
            <source>事项编号：%1</source>
            <translation>Matter number: %1</translation>
        </message>
        <message>
            <source>（未编号）</source>
            <translation>(no number)</translation>
        </message>
        <message>
            <source>工作台重新启动过，这里看不到刚才那次通话。准备好了请点“结束整理”。</source>
            <translation>The desk was restarted and cannot show the last call. Tap Done when you are ready.</translation>
        </message>
        <message>
            <source>简要记录：村民问了什么，您怎么答复的，下一步怎么办</source>
            <translation>Short notes: what the villager asked, what you advised, what happens next</translation>
        </message>
        <message>
            <source>正在保存…</source>
            <translation>Saving…</translation>
        </message>
        <message>
            <source>记录已保存到这件事项</source>
            <translation>Notes saved on this matter</translation>
        </message>
        <message>
            <source>保存记录</source>
            <translation>Save notes</translation>
        </message>
        <message>
            <source>结束整理</source>
            <translation>Done</translation>
        </message>
    </context>
    <context>
        <name>access</name>
        <message>
            <source>朗读功能暂时不能用。</source>
            <translation>Read-aloud is not available right now.</translation>
        </message>
        <message>
            <source>朗读没有声音：喇叭没有接好，请告诉工作人员。</source>
            <translation>No sound: the speaker is not connected. Please tell the staff.</translation>
        </message>
    </context>
    <context>
        <name>call_topics</name>
        <message>
            <source>婚姻家庭</source>
            <translation>Marriage &amp; family</translation>
        </message>
        <message>
            <source>农民工欠薪</source>
            <translation>Unpaid wages (migrant workers)</translation>
        </message>
        <message>
            <source>劳动争议</source>
            <translation>Work disputes</translation>
        </message>
        <message>
            <source>交通事故</source>
            <translation>Traffic accident</translation>
        </message>
        <message>
            <source>借贷合同</source>
            <translation>Loans &amp; contracts</translation>
        </message>
        <message>
            <source>土地承包</source>
            <translation>Land contracts</translation>
        </message>
        <message>
            <source>房产物业</source>
            <translation>Housing &amp; property</translation>
        </message>
        <message>
            <source>继承赡养</source>
            <translation>Inheritance &amp; elder support</translation>
        </message>
        <message>
            <source>刑事</source>
            <translation>Criminal</translation>
        </message>
        <message>
            <source>其他</source>
            <translation>Other</translation>
        </message>
        <message>
            <source>不知道</source>
            <translation>Not sure</translation>
        </message>
        <message>
            <source>优先接听</source>
            <translation>Answered first</translation>
        </message>
        <message>
            <source>工伤、欠薪</source>
            <translation>Injury, unpaid pay</translation>
        </message>
        <message>
            <source>一般咨询</source>
            <translation>General question</translation>
        </message>
        <message>
            <source>请先输入您的电话号码。</source>
            <translation>Please enter your phone number first.</translation>
        </message>
        <message>
            <source>手机号码是1开头的11位数字，请再核对一下。</source>
            <translation>A mobile number has 11 digits and starts with 1. Please check it.</translation>
        </message>
        <message>
            <source>座机号码是区号加7到8位号码，比如 0371 1234 5678，请再核对一下。</source>
            <translation>A landline is the area code and a 7- or 8-digit number, e.g. 0371 1234 5678. Please check it.</translation>
        </message>
        <message>
            <source>号码不对：手机号码是1开头的11位数字；座机请先输区号，比如 0371 1234 5678。</source>
            <translation>The number is wrong: a mobile is 11 digits starting with 1; for a landline type the area code first, e.g. 0371 1234 5678.</translation>
        </message>
    </context>
    <context>
        <name>forms</name>
        <message>
            <source>没有保存成功，您填的内容还在。请再点一次“确认提交”；还不行请打12348。</source>
            <translation>It was not saved; your answers are still here. Tap "Confirm and submit" again; if it still fails, call 12348.</translation>
        </message>
        <message>
            <source>打印没有成功，请记下屏幕上的受理号，或者用手机拍下二维码。</source>
            <translation>Printing failed. Please write down the tracking number on screen, or photograph the QR code with your phone.</translation>
        </message>
        <message>
            <source>回执正在打印，请在打印机出口取。</source>
            <translation>The receipt is printing; take it from the printer.</translation>
        </message>
        <message>
            <source>拍照没有成功，请再试一次；没有材料也可以不拍。</source>
            <translation>The photo did not work; please try again. You may also skip it.</translation>
        </message>
        <message>
            <source>最多拍%1张。</source>
            <translation>At most %1 photos.</translation>
        </message>
        <message>
            <source>朗读功能现在用不了，请看屏幕上的字。</source>
            <translation>Reading aloud is not available now; please read the screen.</translation>
        </message>
        <message>
            <source>现在连不上中心，请过一会儿再查，或者打12348问。</source>
            <translation>The centre cannot be reached now. Try again later or call 12348.</translation>
        </message>
        <message>
            <source>受理号是8位，由数字和字母组成，请再核对一下。</source>
            <translation>The tracking number has 8 letters and digits; please check it.</translation>
        </message>
        <message>
            <source>请填写手机号码的最后4位数字。</source>
            <translation>Enter the last 4 digits of your mobile number.</translation>
        </message>
        <message>
            <source>查不到</source>
            <translation>Cannot check now</translation>
        </message>
        <message>
            <source>没有查到</source>
            <translation>Not found</translation>
        </message>
        <message>
            <source>受理号 %1</source>
            <translation>Tracking no. %1</translation>
        </message>
        <message>
            <source>今天</source>
            <translation>Today</translation>
        </message>
        <message>
            <source>星期一</source>
            <translation>Mon</translation>
        </message>
        <message>
            <source>星期二</source>
            <translation>Tue</translation>
        </message>
        <message>
            <source>星期三</source>
            <translation>Wed</translation>
        </message>
        <message>
            <source>星期四</source>
            <translation>Thu</translation>
        </message>
        <message>
            <source>星期五</source>
            <translation>Fri</translation>
        </message>
        <message>
            <source>星期六</source>
            <translation>Sat</translation>
        </message>
        <message>
            <source>星期日</source>
            <translation>Sun</translation>
        </message>
        <message>
            <source>休息</source>
            <translation>closed</translation>
        </message>
        <message>
            <source>已过</source>
            <translation>past</translation>
        </message>
        <message>
            <source>不能选</source>
            <translation>unavailable</translation>
        </message>
        <message>
            <source>请带上：%1。</source>
            <translation>Please bring: %1.</translation>
        </message>
        <message>
            <source>中心收到后会打电话联系您。</source>
            <translation>The centre will call you once it has your application.</translation>
        </message>
        <message>
            <source>以后可以在“办事申请”里点“查询办理进度”，用受理号和手机号码后四位查询。</source>
            <translation>Later, tap "Check progress" under Applications and use your tracking number and the last 4 digits of your phone.</translation>
        </message>
    </context>
    <context>
        <name>incall</name>
        <message>
            <source>常见问题</source>
            <translation>Common question</translation>
        </message>
        <message>
            <source>法条</source>
            <translation>Article</translation>
        </message>
        <message>
            <source>已推送到村民屏幕：%1</source>
            <translation>Shown on the villager's screen: %1</translation>
        </message>
        <message>
            <source>已把表格推送给村民：%1</source>
            <translation>Form sent to the villager: %1</translation>
        </message>
        <message>
            <source>打开表格</source>
            <translation>Open the form</translation>
        </message>
        <message>
            <source>再看律师发的内容</source>
            <translation>See what the lawyer sent again</translation>
        </message>
        <message>
            <source>还有%1项没有填好，请看红字。</source>
            <translation>%1 answers still need attention; see the red text.</translation>
        </message>
        <message>
            <source>有的内容刚被改过，请再看一遍后确认。</source>
            <translation>Some answers were just changed; please look again, then confirm.</translation>
        </message>
        <message>
            <source>没有保存成功，您填的内容还在。请再点一次“确认提交”。</source>
            <translation>It was not saved, but your answers are still here. Please tap "Confirm and submit" again.</translation>
        </message>
        <message>
            <source>律师给您看的法律条文</source>
            <translation>An article of law the lawyer is showing you</translation>
        </message>
        <message>
            <source>律师给您看的解答</source>
            <translation>An answer the lawyer is showing you</translation>
        </message>
    </context>
    <context>
        <name>selftest</name>
        <message>
            <source>正在检测…</source>
            <translation>Checking…</translation>
        </message>
        <message>
            <source>有 %1 项需要处理</source>
            <translation>%1 item(s) need attention</translation>
        </message>
        <message>
            <source>全部正常</source>
            <translation>All fine</translation>
        </message>
        <message>
            <source>（没能上报中心）</source>
            <translation> (not reported to the centre)</translation>
        </message>
    </context>
    <context>
        <name>staff</name>
        <message>
            <source>正在核对…</source>
            <translation>Checking…</translation>
        </message>
        <message>
            <source>请把工作证上的二维码对准摄像头</source>
            <translation>Hold the QR code on your badge up to the camera</translation>
        </message>
        <message>
            <source>没有看到工作证，请再试一次，或输入密码</source>
            <translation>No badge seen. Try again, or enter the PIN</translation>
        </message>
        <message>
            <source>正在读取…</source>
            <translation>Loading…</translation>
        </message>
        <message>
            <source>没有等待处理的事项。</source>
            <translation>Nothing is waiting.</translation>
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
            <source>农民工欠薪（优先接听）</source>
            <translation>Migrant worker's unpaid wages (answered first)</translation>
        </message>
        <message>
            <source>%1（紧急）</source>
            <translation>%1 (urgent)</translation>
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
        <message>
            <source>记录太长了，请写短一些（最多 2000 字）。</source>
            <translation>The notes are too long; please keep them under 2000 characters.</translation>
        </message>
    </context>
</TS>
