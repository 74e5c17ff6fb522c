<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name></name>
    <message>
        <source>Filter: a name, an order, a manager…</source>
        <translation>Фильтр: имя, чек, менеджер…</translation>
    </message>
    <message>
        <source>Every action</source>
        <translation>Все действия</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Экспорт в CSV…</translation>
    </message>
    <message numerus="yes">
        <source>%Ln line(s)</source>
        <translation>
            <numerusform>%Ln строка</numerusform>
            <numerusform>%Ln строки</numerusform>
            <numerusform>%Ln строк</numerusform>
        </translation>
    </message>
    <message>
        <source>Export the audit log</source>
        <translation>Экспорт журнала аудита</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Файлы CSV (*.csv)</translation>
    </message>
    <message>
        <source>Writing…</source>
        <translation>Запись…</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Не удалось записать %1: %2</translation>
    </message>
    <message numerus="yes">
        <source>%Ln line(s) written to %1</source>
        <translation>
            <numerusform>%Ln строка записана в %1</numerusform>
            <numerusform>%Ln строки записаны в %1</numerusform>
            <numerusform>%Ln строк записано в %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Points adjusted</source>
        <translation>Баллы скорректированы</translation>
    </message>
    <message>
        <source>Points transferred</source>
        <translation>Баллы переведены</translation>
    </message>
    <message>
        <source>Entry reversed</source>
        <translation>Запись сторнирована</translation>
    </message>
    <message>
        <source>Items returned</source>
        <translation>Товары возвращены</translation>
    </message>
    <message>
        <source>Sale voided</source>
        <translation>Продажа аннулирована</translation>
    </message>
    <message>
        <source>PIN refused</source>
        <translation>PIN отклонён</translation>
    </message>
    <message>
        <source>Account locked</source>
        <translation>Учётная запись заблокирована</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>Вход</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Выход</translation>
    </message>
    <message>
        <source>Register locked</source>
        <translation>Касса заблокирована</translation>
    </message>
    <message>
        <source>Account created</source>
        <translation>Учётная запись создана</translation>
    </message>
    <message>
        <source>wrong PIN</source>
        <translation>неверный PIN</translation>
    </message>
    <message>
        <source>no such user</source>
        <translation>нет такого пользователя</translation>
    </message>
    <message>
        <source>account locked</source>
        <translation>учётная запись заблокирована</translation>
    </message>
    <message>
        <source>account deactivated</source>
        <translation>учётная запись отключена</translation>
    </message>
    <message>
        <source>goodwill</source>
        <translation>жест доброй воли</translation>
    </message>
    <message>
        <source>correction</source>
        <translation>исправление</translation>
    </message>
    <message>
        <source>missing accrual</source>
        <translation>пропущенное начисление</translation>
    </message>
    <message>
        <source>damaged goods</source>
        <translation>повреждённый товар</translation>
    </message>
    <message>
        <source>complaint</source>
        <translation>жалоба</translation>
    </message>
    <message>
        <source>fraud</source>
        <translation>мошенничество</translation>
    </message>
    <message>
        <source>anonymous</source>
        <translation>аноним</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 point(s) (%3)</source>
        <translation>
            <numerusform>%1: %2 балл (%3)</numerusform>
            <numerusform>%1: %2 балла (%3)</numerusform>
            <numerusform>%1: %2 баллов (%3)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln point(s) from %1 to %2</source>
        <translation>
            <numerusform>%Ln балл от %1 к %2</numerusform>
            <numerusform>%Ln балла от %1 к %2</numerusform>
            <numerusform>%Ln баллов от %1 к %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n ledger entry(s) reversed</source>
        <translation>
            <numerusform>%n запись журнала сторнирована</numerusform>
            <numerusform>%n записи журнала сторнированы</numerusform>
            <numerusform>%n записей журнала сторнировано</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Order %1 (%2): %n line(s), refund %3</source>
        <translation>
            <numerusform>Чек %1 (%2): %n строка, к возврату %3</numerusform>
            <numerusform>Чек %1 (%2): %n строки, к возврату %3</numerusform>
            <numerusform>Чек %1 (%2): %n строк, к возврату %3</numerusform>
        </translation>
    </message>
    <message>
        <source>, approved by %1</source>
        <translation>, одобрил %1</translation>
    </message>
    <message>
        <source> (after the return window)</source>
        <translation> (после окончания срока возврата)</translation>
    </message>
    <message>
        <source>Order %1 (%2): %3</source>
        <translation>Чек %1 (%2): %3</translation>
    </message>
    <message numerus="yes">
        <source>, %n attempt(s) left</source>
        <translation>
            <numerusform>, осталась %n попытка</numerusform>
            <numerusform>, осталось %n попытки</numerusform>
            <numerusform>, осталось %n попыток</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 locked until %2 (too many wrong PINs)</source>
        <translation>%1 заблокирован до %2 (слишком много неверных PIN)</translation>
    </message>
    <message>
        <source>%1 at register %2</source>
        <translation>%1 на кассе %2</translation>
    </message>
    <message>
        <source>manager</source>
        <translation>менеджер</translation>
    </message>
    <message>
        <source>cashier</source>
        <translation>кассир</translation>
    </message>
    <message>
        <source>%1 (%2) as %3</source>
        <translation>%1 (%2) как %3</translation>
    </message>
    <message>
        <source>system</source>
        <translation>система</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>Товар</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>Кол-во</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Цена</translation>
    </message>
    <message>
        <source>Discount</source>
        <translation>Скидка</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <source>%1 kg</source>
        <translation>%1 кг</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>В сети</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Синхронизация…</translation>
    </message>
    <message>
        <source>Local only (no central service)</source>
        <translation>Локально, без центрального сервиса</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <source>Offline %1</source>
        <translation>Нет связи %1</translation>
    </message>
    <message>
        <source>Sync error %1</source>
        <translation>Ошибка синхронизации %1</translation>
    </message>
    <message>
        <source>OFFLINE %1 — keep selling: sales and points are kept here and sync when the connection is back</source>
        <translation>НЕТ СВЯЗИ %1 — продолжайте продавать: продажи и баллы хранятся здесь и синхронизируются, когда связь вернётся</translation>
    </message>
    <message>
        <source>SYNC ERROR — %1. Keep selling; call your manager.</source>
        <translation>ОШИБКА СИНХРОНИЗАЦИИ — %1. Продолжайте продавать; позовите менеджера.</translation>
    </message>
    <message>
        <source>the central service refused the register</source>
        <translation>центральный сервис отклонил кассу</translation>
    </message>
    <message numerus="yes">
        <source>%Ln waiting to sync</source>
        <translation>
            <numerusform>В очереди: %Ln</numerusform>
            <numerusform>В очереди: %Ln</numerusform>
            <numerusform>В очереди: %Ln</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing waiting to sync</source>
        <translation>Очередь пуста</translation>
    </message>
    <message>
        <source>Last sync %1</source>
        <translation>Синхронизация в %1</translation>
    </message>
    <message>
        <source>Never synced</source>
        <translation>Синхронизации не было</translation>
    </message>
    <message>
        <source>Data age %1</source>
        <translation>Данным %1</translation>
    </message>
    <message>
        <source>Data age unknown</source>
        <translation>Возраст данных неизвестен</translation>
    </message>
    <message>
        <source>Register %1</source>
        <translation>Касса %1</translation>
    </message>
    <message>
        <source>Cashier %1</source>
        <translation>Кассир %1</translation>
    </message>
    <message>
        <source>No cashier</source>
        <translation>Нет кассира</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Покупатель</translation>
    </message>
    <message>
        <source>F2  Card, phone, e-mail or name</source>
        <translation>F2  Карта, телефон, e-mail или имя</translation>
    </message>
    <message>
        <source>Customer search</source>
        <translation>Поиск покупателя</translation>
    </message>
    <message>
        <source>★ BIRTHDAY</source>
        <translation>★ ДР</translation>
    </message>
    <message>
        <source>Birthday week</source>
        <translation>Неделя дня рождения</translation>
    </message>
    <message>
        <source>Personal offers</source>
        <translation>Персональные предложения</translation>
    </message>
    <message numerus="yes">
        <source>%n+ match(es) — type more of the name</source>
        <translation>
            <numerusform>%n+ совпадение — введите имя подробнее</numerusform>
            <numerusform>%n+ совпадения — введите имя подробнее</numerusform>
            <numerusform>%n+ совпадений — введите имя подробнее</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n match(es) — ↓ to choose, Enter to pick</source>
        <translation>
            <numerusform>%n совпадение — ↓ выбрать, Enter взять</numerusform>
            <numerusform>%n совпадения — ↓ выбрать, Enter взять</numerusform>
            <numerusform>%n совпадений — ↓ выбрать, Enter взять</numerusform>
        </translation>
    </message>
    <message>
        <source>member</source>
        <translation>участник</translation>
    </message>
    <message>
        <source>%1 more spend this year for %2</source>
        <translation>ещё %1 покупок в этом году до уровня «%2»</translation>
    </message>
    <message>
        <source>Top tier</source>
        <translation>Высший уровень</translation>
    </message>
    <message>
        <source>%1 kept until %2</source>
        <translation>Уровень «%1» сохранён до %2</translation>
    </message>
    <message numerus="yes">
        <source>%Ln point(s)</source>
        <translation>
            <numerusform>%Ln балл</numerusform>
            <numerusform>%Ln балла</numerusform>
            <numerusform>%Ln баллов</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 confirmed</source>
        <translation>%1 подтверждено</translation>
    </message>
    <message>
        <source>%1 pending sync</source>
        <translation>%1 ждут синхронизации</translation>
    </message>
    <message>
        <source>0 pending</source>
        <translation>0 в ожидании</translation>
    </message>
    <message>
        <source>%1 held until the return window closes</source>
        <translation>%1 заморожено до конца срока возврата</translation>
    </message>
    <message>
        <source>%1 expire on %2</source>
        <translation>%1 сгорят %2</translation>
    </message>
    <message numerus="yes">
        <source> (%n left)</source>
        <translation>
            <numerusform> (осталось %n)</numerusform>
            <numerusform> (осталось %n)</numerusform>
            <numerusform> (осталось %n)</numerusform>
        </translation>
    </message>
    <message>
        <source>None right now</source>
        <translation>Сейчас нет</translation>
    </message>
    <message>
        <source>No customer yet: scan a loyalty card or search (F2).</source>
        <translation>Покупатель не выбран: отсканируйте карту лояльности или найдите его (F2).</translation>
    </message>
    <message>
        <source>card …%1</source>
        <translation>карта …%1</translation>
    </message>
    <message>
        <source>Looking…</source>
        <translation>Поиск…</translation>
    </message>
    <message numerus="yes">
        <source>%n+ match(es): ↓ to choose, Enter to pick</source>
        <translation>
            <numerusform>%n+ совпадение: ↓ выбрать, Enter взять</numerusform>
            <numerusform>%n+ совпадения: ↓ выбрать, Enter взять</numerusform>
            <numerusform>%n+ совпадений: ↓ выбрать, Enter взять</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n match(es): ↓ to choose, Enter to pick</source>
        <translation>
            <numerusform>%n совпадение: ↓ выбрать, Enter взять</numerusform>
            <numerusform>%n совпадения: ↓ выбрать, Enter взять</numerusform>
            <numerusform>%n совпадений: ↓ выбрать, Enter взять</numerusform>
        </translation>
    </message>
    <message>
        <source>Manager approval</source>
        <translation>Подтверждение менеджера</translation>
    </message>
    <message>
        <source>Manager mode</source>
        <translation>Режим менеджера</translation>
    </message>
    <message>
        <source>Manager&apos;s user id</source>
        <translation>ID пользователя менеджера</translation>
    </message>
    <message>
        <source>4 to 8 digits</source>
        <translation>от 4 до 8 цифр</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>Менеджер</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Type the manager&apos;s user id first.</source>
        <translation>Сначала введите ID менеджера.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Проверка…</translation>
    </message>
    <message>
        <source>Enroll a customer</source>
        <translation>Регистрация покупателя</translation>
    </message>
    <message>
        <source>New loyalty member</source>
        <translation>Новый участник программы</translation>
    </message>
    <message>
        <source>e.g. 415 555 0123</source>
        <translation>напр. 912 345 67 89</translation>
    </message>
    <message>
        <source>Birthday given</source>
        <translation>Указан день рождения</translation>
    </message>
    <message>
        <source>May e-mail offers</source>
        <translation>Согласен на предложения по e-mail</translation>
    </message>
    <message>
        <source>May text offers</source>
        <translation>Согласен на предложения по SMS</translation>
    </message>
    <message>
        <source>Agrees to the loyalty program terms</source>
        <translation>Принимает условия программы лояльности</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Phone or e-mail is needed to find the member again.</source>
        <translation>Нужен телефон или e-mail, чтобы потом найти участника.</translation>
    </message>
    <message>
        <source>Enroll</source>
        <translation>Зарегистрировать</translation>
    </message>
    <message>
        <source>The name is required.</source>
        <translation>Имя обязательно.</translation>
    </message>
    <message>
        <source>Give a phone number or an e-mail address.</source>
        <translation>Укажите номер телефона или адрес e-mail.</translation>
    </message>
    <message>
        <source>The customer must agree to the program terms.</source>
        <translation>Покупатель должен принять условия программы.</translation>
    </message>
    <message>
        <source>E-mail offers need an e-mail address.</source>
        <translation>Для предложений по e-mail нужен адрес e-mail.</translation>
    </message>
    <message>
        <source>Text offers need a phone number.</source>
        <translation>Для SMS-предложений нужен номер телефона.</translation>
    </message>
    <message>
        <source>Enrolling…</source>
        <translation>Регистрация…</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>телефон</translation>
    </message>
    <message>
        <source>e-mail</source>
        <translation>e-mail</translation>
    </message>
    <message>
        <source>Claim a reward</source>
        <translation>Получить приз</translation>
    </message>
    <message numerus="yes">
        <source>%1 can spend %Ln point(s)</source>
        <translation>
            <numerusform>%1 может списать %Ln балл</numerusform>
            <numerusform>%1 может списать %Ln балла</numerusform>
            <numerusform>%1 может списать %Ln баллов</numerusform>
        </translation>
    </message>
    <message>
        <source>(needs %1 more)</source>
        <translation>(не хватает %1)</translation>
    </message>
    <message>
        <source>The reward shows in the sale at once; its points are taken when the sale is paid.</source>
        <translation>Приз сразу появится в продаже; баллы спишутся при оплате.</translation>
    </message>
    <message>
        <source>Claim</source>
        <translation>Получить</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Вес</translation>
    </message>
    <message>
        <source>Weight (kg)</source>
        <translation>Вес (кг)</translation>
    </message>
    <message>
        <source>Type the weight in kg, up to 3 decimals (e.g. 0.532)</source>
        <translation>Введите вес в кг, до 3 знаков после запятой (напр. 0,532)</translation>
    </message>
    <message>
        <source>Sale complete</source>
        <translation>Продажа завершена</translation>
    </message>
    <message>
        <source>Next sale (Enter)</source>
        <translation>Следующая продажа (Enter)</translation>
    </message>
    <message>
        <source>Receipt %1</source>
        <translation>Чек %1</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>Печать</translation>
    </message>
    <message>
        <source>Keep it (Esc)</source>
        <translation>Оставить (Esc)</translation>
    </message>
    <message>
        <source>%1 (Enter)</source>
        <translation>%1 (Enter)</translation>
    </message>
    <message>
        <source>Bronze</source>
        <translation>Бронзовый</translation>
    </message>
    <message>
        <source>Silver</source>
        <translation>Серебряный</translation>
    </message>
    <message>
        <source>Gold</source>
        <translation>Золотой</translation>
    </message>
    <message>
        <source>Platinum</source>
        <translation>Платиновый</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Кто</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Действие</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Подробности</translation>
    </message>
    <message>
        <source>pos-companion — %1 · Register %2</source>
        <translation>pos-companion — %1 · Касса %2</translation>
    </message>
    <message>
        <source>%1  ·  Register %2</source>
        <translation>%1  ·  Касса %2</translation>
    </message>
    <message>
        <source>This register&apos;s store is empty: try `pos-companion --demo`, or pair it with the central service (F10, Central service) and let it sync.</source>
        <translation>Магазин этой кассы пуст: попробуйте `pos-companion --demo` или подключите её к центральному сервису (F10, Центральный сервис) и дождитесь синхронизации.</translation>
    </message>
    <message>
        <source>Demo: go offline</source>
        <translation>Демо: отключить сеть</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Блокировка</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Выйти</translation>
    </message>
    <message>
        <source>Rewards</source>
        <translation>Призы</translation>
    </message>
    <message>
        <source>Park</source>
        <translation>Отложить</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>Вернуть</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>Копия</translation>
    </message>
    <message>
        <source>New sale</source>
        <translation>Новый</translation>
    </message>
    <message>
        <source>Enroll</source>
        <comment>F9 key: a new member</comment>
        <translation>Анкета</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Сброс</translation>
    </message>
    <message>
        <source>Qty +1</source>
        <translation>Кол. +1</translation>
    </message>
    <message>
        <source>Qty −1</source>
        <translation>Кол. −1</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Pay</source>
        <translation>Оплата</translation>
    </message>
    <message numerus="yes">
        <source>Locked after %n min without a key.</source>
        <translation>
            <numerusform>Заблокировано после %n минуты без нажатий.</numerusform>
            <numerusform>Заблокировано после %n минут без нажатий.</numerusform>
            <numerusform>Заблокировано после %n минут без нажатий.</numerusform>
        </translation>
    </message>
    <message>
        <source>unknown card</source>
        <translation>неизвестная карта</translation>
    </message>
    <message>
        <source>Identify the customer first (F2) to pay with points</source>
        <translation>Чтобы оплатить баллами, сначала найдите покупателя (F2)</translation>
    </message>
    <message>
        <source>Recording the sale…</source>
        <translation>Проводим продажу…</translation>
    </message>
    <message>
        <source>Printed.</source>
        <translation>Напечатано.</translation>
    </message>
    <message>
        <source>Printer problem: %1. The sale is saved; print again later (Ctrl+P).</source>
        <translation>Проблема с принтером: %1. Продажа сохранена; напечатайте позже (Ctrl+P).</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>Печать…</translation>
    </message>
    <message>
        <source>Nothing to park: the sale is empty</source>
        <translation>Нечего откладывать: продажа пуста</translation>
    </message>
    <message>
        <source>Anonymous sale</source>
        <translation>Анонимная продажа</translation>
    </message>
    <message numerus="yes">
        <source>Parked: %1, %n item(s) (Ctrl+R brings it back)</source>
        <translation>
            <numerusform>Отложено: %1, %n товар (Ctrl+R вернёт)</numerusform>
            <numerusform>Отложено: %1, %n товара (Ctrl+R вернёт)</numerusform>
            <numerusform>Отложено: %1, %n товаров (Ctrl+R вернёт)</numerusform>
        </translation>
    </message>
    <message>
        <source>Recall (%1)</source>
        <translation>Вернуть (%1)</translation>
    </message>
    <message>
        <source>Recalled: %1</source>
        <translation>Возвращено: %1</translation>
    </message>
    <message>
        <source> — no longer sold, left out: %1</source>
        <translation> — больше не продаётся, пропущено: %1</translation>
    </message>
    <message>
        <source>Identify the customer first (F2) to claim a reward</source>
        <translation>Чтобы получить приз, сначала найдите покупателя (F2)</translation>
    </message>
    <message>
        <source>Enrolled %1</source>
        <translation>Зарегистрирован(а) %1</translation>
    </message>
    <message>
        <source> — welcome code %1</source>
        <translation> — приветственный промокод %1</translation>
    </message>
    <message>
        <source>MANAGER %1</source>
        <translation>МЕНЕДЖЕР %1</translation>
    </message>
    <message>
        <source>Not paired: this register keeps its ledger locally (entries wait in the outbox).</source>
        <translation>Не подключена: касса ведёт журнал локально (записи ждут в очереди отправки).</translation>
    </message>
    <message>
        <source>%1 — paired as %2</source>
        <translation>%1 — подключена как %2</translation>
    </message>
    <message>
        <source>%1 — not paired</source>
        <translation>%1 — не подключена</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>Заблокировано</translation>
    </message>
    <message>
        <source>Signed out</source>
        <comment>nobody at the till</comment>
        <translation>Вход не выполнен</translation>
    </message>
    <message>
        <source>Demo: go online</source>
        <translation>Демо: включить сеть</translation>
    </message>
    <message>
        <source>Demo: central service stopped</source>
        <translation>Демо: центральный сервис остановлен</translation>
    </message>
    <message>
        <source>Demo: central service back</source>
        <translation>Демо: центральный сервис снова работает</translation>
    </message>
    <message>
        <source>Something went wrong: %1</source>
        <translation>Что-то пошло не так: %1</translation>
    </message>
    <message>
        <source>Close the register?</source>
        <translation>Закрыть кассу?</translation>
    </message>
    <message numerus="yes">
        <source>A sale is open (%n item(s), %1%2). It is parked before the register closes, and Ctrl+R brings it back.</source>
        <translation>
            <numerusform>Открыта продажа (%n товар, %1%2). Перед закрытием кассы она будет отложена, Ctrl+R вернёт её.</numerusform>
            <numerusform>Открыта продажа (%n товара, %1%2). Перед закрытием кассы она будет отложена, Ctrl+R вернёт её.</numerusform>
            <numerusform>Открыта продажа (%n товаров, %1%2). Перед закрытием кассы она будет отложена, Ctrl+R вернёт её.</numerusform>
        </translation>
    </message>
    <message>
        <source>Park it and close</source>
        <translation>Отложить и закрыть</translation>
    </message>
    <message>
        <source>Keep selling (Esc)</source>
        <translation>Продолжить продажи (Esc)</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Валюта</translation>
    </message>
    <message>
        <source>Points per unit spent</source>
        <translation>Баллов за единицу покупки</translation>
    </message>
    <message>
        <source>Value of a point</source>
        <translation>Стоимость балла</translation>
    </message>
    <message>
        <source>Minimum to redeem</source>
        <translation>Минимум для списания</translation>
    </message>
    <message>
        <source>Redemption step</source>
        <translation>Шаг списания</translation>
    </message>
    <message>
        <source>Share points may pay</source>
        <translation>Доля, оплачиваемая баллами</translation>
    </message>
    <message>
        <source>Most discount per order</source>
        <translation>Наибольшая скидка на чек</translation>
    </message>
    <message>
        <source>Tiers (12-month spend)</source>
        <translation>Уровни (покупки за 12 месяцев)</translation>
    </message>
    <message>
        <source>Points expire after (months)</source>
        <translation>Баллы сгорают через (месяцев)</translation>
    </message>
    <message>
        <source>Return window (days)</source>
        <translation>Срок возврата (дней)</translation>
    </message>
    <message>
        <source>Offline cap per customer</source>
        <translation>Лимит офлайн на покупателя</translation>
    </message>
    <message>
        <source>Offline cap per register</source>
        <translation>Лимит офлайн на кассу</translation>
    </message>
    <message>
        <source>Manager daily adjustment limit</source>
        <translation>Дневной лимит корректировок менеджера</translation>
    </message>
    <message>
        <source>Manager mode — %1</source>
        <translation>Режим менеджера — %1</translation>
    </message>
    <message>
        <source>Manager mode  ·  %1</source>
        <translation>Режим менеджера  ·  %1</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Card, phone, e-mail or name, Enter</source>
        <translation>Карта, телефон, e-mail или имя, Enter</translation>
    </message>
    <message>
        <source>What happened (kept in the audit log)</source>
        <translation>Что случилось (сохраняется в журнале аудита)</translation>
    </message>
    <message>
        <source>Apply adjustment</source>
        <translation>Провести корректировку</translation>
    </message>
    <message>
        <source>Points (+/−)</source>
        <translation>Баллы (+/−)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Примечание</translation>
    </message>
    <message>
        <source>&amp;Adjust points</source>
        <translation>&amp;Корректировка баллов</translation>
    </message>
    <message>
        <source>Sending customer: card, phone, e-mail or name</source>
        <translation>Отправитель: карта, телефон, e-mail или имя</translation>
    </message>
    <message>
        <source>Receiving customer: scan the card, or phone, e-mail, name</source>
        <translation>Получатель: отсканируйте карту или телефон, e-mail, имя</translation>
    </message>
    <message>
        <source>Transfer points</source>
        <translation>Перевести баллы</translation>
    </message>
    <message>
        <source>From</source>
        <translation>От кого</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Кому</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Баллы</translation>
    </message>
    <message>
        <source>&amp;Transfer</source>
        <translation>&amp;Перевод</translation>
    </message>
    <message>
        <source>&amp;Return / void</source>
        <translation>&amp;Возврат / аннулирование</translation>
    </message>
    <message>
        <source>The program&apos;s settings come from the central service; they are shown here as this register applies them.</source>
        <translation>Настройки программы приходят из центрального сервиса; здесь они показаны так, как их применяет эта касса.</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Настройки</translation>
    </message>
    <message>
        <source>&amp;Central service</source>
        <translation>&amp;Центральный сервис</translation>
    </message>
    <message>
        <source>Au&amp;dit log</source>
        <translation>&amp;Журнал аудита</translation>
    </message>
    <message>
        <source>Find the customer first (card, phone, e-mail or name).</source>
        <translation>Сначала найдите покупателя (карта, телефон, e-mail или имя).</translation>
    </message>
    <message>
        <source>Type a number of points to add (or minus to remove).</source>
        <translation>Введите число баллов для начисления (или со знаком минус для списания).</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Сохранение…</translation>
    </message>
    <message numerus="yes">
        <source>Done: %1 point(s). Balance now %2.</source>
        <translation>
            <numerusform>Готово: %1 балл. Баланс теперь %2.</numerusform>
            <numerusform>Готово: %1 балла. Баланс теперь %2.</numerusform>
            <numerusform>Готово: %1 баллов. Баланс теперь %2.</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose who sends and who receives the points.</source>
        <translation>Выберите, кто отправляет и кто получает баллы.</translation>
    </message>
    <message>
        <source>Type how many points to move.</source>
        <translation>Введите, сколько баллов перевести.</translation>
    </message>
    <message>
        <source>Transfer points?</source>
        <translation>Перевести баллы?</translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln point(s) from %1 (%2) to %3 (%4)?</source>
        <translation>
            <numerusform>Перевести %Ln балл от %1 (%2) к %3 (%4)?</numerusform>
            <numerusform>Перевести %Ln балла от %1 (%2) к %3 (%4)?</numerusform>
            <numerusform>Перевести %Ln баллов от %1 (%2) к %3 (%4)?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %Ln point(s)</source>
        <translation>
            <numerusform>Перевести %Ln балл</numerusform>
            <numerusform>Перевести %Ln балла</numerusform>
            <numerusform>Перевести %Ln баллов</numerusform>
        </translation>
    </message>
    <message>
        <source>the receiving customer</source>
        <translation>Получатель</translation>
    </message>
    <message numerus="yes">
        <source>Moved %Ln point(s) to %1.</source>
        <translation>
            <numerusform>%1 получает %Ln балл.</numerusform>
            <numerusform>%1 получает %Ln балла.</numerusform>
            <numerusform>%1 получает %Ln баллов.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 from %2 ×%3</source>
        <translation>%1 от %2 ×%3</translation>
    </message>
    <message>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>This register</source>
        <translation>Эта касса</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>The language applies at the next start of the register.</source>
        <translation>Язык применится при следующем запуске кассы.</translation>
    </message>
    <message>
        <source>Saved: %1 from the next start of the register.</source>
        <translation>Сохранено: %1 со следующего запуска кассы.</translation>
    </message>
    <message>
        <source>Could not save: %1</source>
        <translation>Не удалось сохранить: %1</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Сейчас</translation>
    </message>
    <message>
        <source>ABCD-EFGH-JKLM (from pos-central pair-register)</source>
        <translation>ABCD-EFGH-JKLM (из pos-central pair-register)</translation>
    </message>
    <message>
        <source>Pair this register</source>
        <translation>Подключить эту кассу</translation>
    </message>
    <message>
        <source>Central service</source>
        <translation>Центральный сервис</translation>
    </message>
    <message>
        <source>Pairing code</source>
        <translation>Код подключения</translation>
    </message>
    <message>
        <source>Pairing is not available in this register (the demo pairs itself).</source>
        <translation>В этой кассе подключение недоступно (демо подключается само).</translation>
    </message>
    <message>
        <source>Type the central service&apos;s address and the pairing code.</source>
        <translation>Введите адрес центрального сервиса и код подключения.</translation>
    </message>
    <message>
        <source>Pairing with %1…</source>
        <translation>Подключение к %1…</translation>
    </message>
    <message>
        <source>Paired as %1 (store %2); syncing starts now.</source>
        <translation>Подключена как %1 (магазин %2); синхронизация начинается.</translation>
    </message>
    <message>
        <source>Pairing failed: %1</source>
        <translation>Подключение не удалось: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n товар</numerusform>
            <numerusform>%n товара</numerusform>
            <numerusform>%n товаров</numerusform>
        </translation>
    </message>
    <message>
        <source>parked by %1</source>
        <translation>отложил(а) %1</translation>
    </message>
    <message>
        <source>Parked sales</source>
        <translation>Отложенные продажи</translation>
    </message>
    <message>
        <source>Recall a parked sale</source>
        <translation>Вернуть отложенную продажу</translation>
    </message>
    <message>
        <source>The sale on screen is parked in its place.</source>
        <translation>Продажа на экране будет отложена вместо неё.</translation>
    </message>
    <message>
        <source>The sale comes back re-priced: prices and offers as they are now.</source>
        <translation>Продажа вернётся с пересчётом: цены и акции на текущий момент.</translation>
    </message>
    <message>
        <source>No sale is parked (Ctrl+H parks the one on screen).</source>
        <translation>Отложенных продаж нет (Ctrl+H откладывает текущую).</translation>
    </message>
    <message>
        <source>Receipt preview</source>
        <translation>Предпросмотр чека</translation>
    </message>
    <message>
        <source>This sale was already paid.</source>
        <translation>Эта продажа уже оплачена.</translation>
    </message>
    <message>
        <source>This entry was already reversed.</source>
        <translation>Эта запись уже сторнирована.</translation>
    </message>
    <message>
        <source>This order is already voided.</source>
        <translation>Этот чек уже аннулирован.</translation>
    </message>
    <message>
        <source>The backup could not be written.</source>
        <translation>Не удалось записать резервную копию.</translation>
    </message>
    <message>
        <source>The birthday is in the future.</source>
        <translation>Дата рождения в будущем.</translation>
    </message>
    <message>
        <source>Wrong check digit: scan it again.</source>
        <translation>Неверная контрольная цифра: отсканируйте ещё раз.</translation>
    </message>
    <message>
        <source>A key name has letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, at most 32.</source>
        <translation>Имя ключа: буквы, цифры, «.», «_» или «-», не более 32.</translation>
    </message>
    <message>
        <source>Points to spend: a whole number, or M for the most allowed.</source>
        <translation>Баллы к списанию: целое число или M — максимум допустимого.</translation>
    </message>
    <message>
        <source>A unit price that high is a mistake.</source>
        <translation>Такая высокая цена за единицу — ошибка.</translation>
    </message>
    <message>
        <source>That quantity cannot be used: a whole number of items, or a weight like 0.532.</source>
        <translation>Такое количество не подходит: целое число штук или вес вроде 0,532.</translation>
    </message>
    <message>
        <source>A return id is 1 to 64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;.</source>
        <translation>ID возврата: от 1 до 64 букв, цифр, «.», «_» или «-».</translation>
    </message>
    <message>
        <source>A transaction id is 1 to 64 letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;:&apos; or &apos;-&apos;.</source>
        <translation>ID транзакции: от 1 до 64 букв, цифр, «.», «_», «:» или «-».</translation>
    </message>
    <message>
        <source>Offline for too long: points cannot be spent until the register reconnects.</source>
        <translation>Слишком долго без связи: списывать баллы нельзя, пока касса не подключится.</translation>
    </message>
    <message>
        <source>This card number already belongs to a customer.</source>
        <translation>Этот номер карты уже принадлежит покупателю.</translation>
    </message>
    <message>
        <source>The central service decides tiers over every store; this register shows them.</source>
        <translation>Уровни по всем магазинам определяет центральный сервис; эта касса их только показывает.</translation>
    </message>
    <message>
        <source>The central service expires points over every store; this register shows them.</source>
        <translation>Сгорание баллов по всем магазинам проводит центральный сервис; эта касса его только показывает.</translation>
    </message>
    <message>
        <source>This code is already in the sale.</source>
        <translation>Этот промокод уже есть в продаже.</translation>
    </message>
    <message>
        <source>This code belongs to another customer (a personal code: identify its customer first).</source>
        <translation>Этот промокод принадлежит другому покупателю (персональный промокод: сначала найдите его владельца).</translation>
    </message>
    <message>
        <source>This code has already been used.</source>
        <translation>Этот промокод уже использован.</translation>
    </message>
    <message>
        <source>Identify the customer first (F2).</source>
        <translation>Сначала найдите покупателя (F2).</translation>
    </message>
    <message>
        <source>Over this manager&apos;s daily limit of points adjusted.</source>
        <translation>Превышен дневной лимит корректировок баллов этого менеджера.</translation>
    </message>
    <message>
        <source>A line id appears twice.</source>
        <translation>ID строки встречается дважды.</translation>
    </message>
    <message>
        <source>This e-mail already belongs to a customer: identify them instead.</source>
        <translation>Этот e-mail уже принадлежит покупателю: найдите его.</translation>
    </message>
    <message>
        <source>Type or scan a code.</source>
        <translation>Введите или отсканируйте промокод.</translation>
    </message>
    <message>
        <source>Scan a barcode or type a SKU.</source>
        <translation>Отсканируйте штрихкод или введите артикул.</translation>
    </message>
    <message>
        <source>The sale is empty: scan an item first.</source>
        <translation>Продажа пуста: сначала отсканируйте товар.</translation>
    </message>
    <message>
        <source>Type at least one letter or digit of the name.</source>
        <translation>Введите хотя бы одну букву или цифру имени.</translation>
    </message>
    <message>
        <source>This account is deactivated.</source>
        <translation>Эта учётная запись отключена.</translation>
    </message>
    <message>
        <source>The customer does not have that many points.</source>
        <translation>У покупателя нет столько баллов.</translation>
    </message>
    <message>
        <source>A key with this name exists: remove it first, or choose another name.</source>
        <translation>Ключ с таким именем уже есть: сначала удалите его или выберите другое имя.</translation>
    </message>
    <message>
        <source>Too many wrong PINs: the account is locked for a few minutes.</source>
        <translation>Слишком много неверных PIN: учётная запись заблокирована на несколько минут.</translation>
    </message>
    <message>
        <source>Not a barcode: a barcode has 8, 12 or 13 digits.</source>
        <translation>Это не штрихкод: в штрихкоде 8, 12 или 13 цифр.</translation>
    </message>
    <message>
        <source>Not a card number: a card number has 13 digits.</source>
        <translation>Это не номер карты: в номере карты 13 цифр.</translation>
    </message>
    <message>
        <source>A code has letters and digits only, at most 64.</source>
        <translation>Промокод — только буквы и цифры, не более 64.</translation>
    </message>
    <message>
        <source>Not an e-mail address.</source>
        <translation>Это не адрес e-mail.</translation>
    </message>
    <message>
        <source>Not an order number: scan the receipt&apos;s barcode or type its order number.</source>
        <translation>Это не номер чека: отсканируйте штрихкод чека или введите его номер.</translation>
    </message>
    <message>
        <source>Not a phone number.</source>
        <translation>Это не номер телефона.</translation>
    </message>
    <message>
        <source>A PIN has 4 to 8 digits.</source>
        <translation>PIN — от 4 до 8 цифр.</translation>
    </message>
    <message>
        <source>A manager&apos;s PIN is needed.</source>
        <translation>Нужен PIN менеджера.</translation>
    </message>
    <message>
        <source>More than is left to return of this line.</source>
        <translation>Это больше, чем осталось вернуть по этой строке.</translation>
    </message>
    <message>
        <source>A name has at most 200 characters.</source>
        <translation>Имя — не более 200 символов.</translation>
    </message>
    <message>
        <source>This order was not sold at this register and the central service cannot be reached now: try again once online.</source>
        <translation>Этот чек пробит не на этой кассе, а центральный сервис сейчас недоступен: повторите, когда появится связь.</translation>
    </message>
    <message>
        <source>This register has no order yet.</source>
        <translation>На этой кассе ещё нет чеков.</translation>
    </message>
    <message>
        <source>No receipt of this order is kept at this register.</source>
        <translation>Копия этого чека на кассе не хранится.</translation>
    </message>
    <message>
        <source>A transfer moves a positive whole number of points.</source>
        <translation>Перевести можно только целое положительное число баллов.</translation>
    </message>
    <message>
        <source>This account may not do that: a manager&apos;s PIN is needed.</source>
        <translation>Этой учётной записи это не разрешено: нужен PIN менеджера.</translation>
    </message>
    <message>
        <source>No such customer.</source>
        <translation>Покупатель не найден.</translation>
    </message>
    <message>
        <source>Only the last sale can be voided: return the items of this order instead.</source>
        <translation>Аннулировать можно только последнюю продажу: оформите возврат товаров этого чека.</translation>
    </message>
    <message>
        <source>That sale is no longer parked (already recalled).</source>
        <translation>Эта продажа больше не отложена (её уже вернули).</translation>
    </message>
    <message>
        <source>Choose the items to return.</source>
        <translation>Выберите товары для возврата.</translation>
    </message>
    <message>
        <source>Offline, this customer may not spend that many points.</source>
        <translation>Без связи этот покупатель не может списать столько баллов.</translation>
    </message>
    <message>
        <source>Offline, this register may not accept that many more points.</source>
        <translation>Без связи эта касса не может принять к списанию столько баллов.</translation>
    </message>
    <message>
        <source>This order has returns: return the rest instead.</source>
        <translation>По этому чеку уже были возвраты: верните оставшееся.</translation>
    </message>
    <message>
        <source>This order was voided.</source>
        <translation>Этот чек аннулирован.</translation>
    </message>
    <message>
        <source>Some ledger entries are not synced yet: let the register sync before pairing it again.</source>
        <translation>Часть записей журнала ещё не синхронизирована: дождитесь синхронизации, прежде чем подключать кассу заново.</translation>
    </message>
    <message>
        <source>Pairing failed: check the address and the code.</source>
        <translation>Подключение не удалось: проверьте адрес и код.</translation>
    </message>
    <message>
        <source>This phone already belongs to a customer: identify them instead.</source>
        <translation>Этот телефон уже принадлежит покупателю: найдите его.</translation>
    </message>
    <message>
        <source>The total has changed: check the new total and pay again.</source>
        <translation>Сумма изменилась: проверьте новую сумму и оплатите снова.</translation>
    </message>
    <message>
        <source>The backup could not be restored.</source>
        <translation>Не удалось восстановить резервную копию.</translation>
    </message>
    <message>
        <source>This return id was used for another return.</source>
        <translation>Этот ID возврата уже использован для другого возврата.</translation>
    </message>
    <message>
        <source>The return window has closed: a manager&apos;s PIN is needed.</source>
        <translation>Срок возврата истёк: нужен PIN менеджера.</translation>
    </message>
    <message>
        <source>A reversal cannot be reversed.</source>
        <translation>Сторнирование нельзя сторнировать.</translation>
    </message>
    <message>
        <source>Add the item the reward gives to the sale, or cancel the claim.</source>
        <translation>Добавьте в продажу товар, который даёт приз, или отмените его.</translation>
    </message>
    <message>
        <source>This sale&apos;s total or points are beyond what a sale can be: check the quantities and prices.</source>
        <translation>Сумма или баллы этой продажи больше, чем бывает у продажи: проверьте количество и цены.</translation>
    </message>
    <message>
        <source>This reward is no longer available: cancel the claim.</source>
        <translation>Этот приз больше недоступен: отмените его.</translation>
    </message>
    <message>
        <source>Points cannot be transferred to the same customer.</source>
        <translation>Нельзя перевести баллы тому же покупателю.</translation>
    </message>
    <message>
        <source>Too many codes in one sale.</source>
        <translation>Слишком много промокодов в одной продаже.</translation>
    </message>
    <message>
        <source>Too many lines in one sale.</source>
        <translation>Слишком много строк в одной продаже.</translation>
    </message>
    <message>
        <source>This transaction id was already used for another request.</source>
        <translation>Этот ID транзакции уже использован для другого запроса.</translation>
    </message>
    <message>
        <source>No such code.</source>
        <translation>Такого промокода нет.</translation>
    </message>
    <message>
        <source>No such ledger entry.</source>
        <translation>Такой записи журнала нет.</translation>
    </message>
    <message>
        <source>No key with this name.</source>
        <translation>Ключа с таким именем нет.</translation>
    </message>
    <message>
        <source>No such line in this sale.</source>
        <translation>Такой строки в продаже нет.</translation>
    </message>
    <message>
        <source>No such card or member.</source>
        <translation>Такой карты или участника нет.</translation>
    </message>
    <message>
        <source>No such order at this register.</source>
        <translation>Такого чека на этой кассе нет.</translation>
    </message>
    <message>
        <source>No such product.</source>
        <translation>Такого товара нет.</translation>
    </message>
    <message>
        <source>Choose a reason from the list.</source>
        <translation>Выберите причину из списка.</translation>
    </message>
    <message>
        <source>No such reward.</source>
        <translation>Такого приза нет.</translation>
    </message>
    <message>
        <source>No such user.</source>
        <translation>Такого пользователя нет.</translation>
    </message>
    <message>
        <source>Some ledger entries have not reached the central service: restoring would lose them. Let the register sync first.</source>
        <translation>Часть записей журнала не дошла до центрального сервиса: восстановление их потеряет. Сначала дождитесь синхронизации.</translation>
    </message>
    <message>
        <source>This user already exists.</source>
        <translation>Такой пользователь уже есть.</translation>
    </message>
    <message>
        <source>Wrong PIN.</source>
        <translation>Неверный PIN.</translation>
    </message>
    <message>
        <source>This register&apos;s ledger belongs to another register: ask for a code for this register.</source>
        <translation>Журнал этой кассы принадлежит другой кассе: запросите код для этой кассы.</translation>
    </message>
    <message>
        <source>An adjustment is a non-zero whole number of points.</source>
        <translation>Корректировка — ненулевое целое число баллов.</translation>
    </message>
    <message>
        <source>Sale</source>
        <translation>Продажа</translation>
    </message>
    <message>
        <source>Promotions</source>
        <translation>Акции</translation>
    </message>
    <message numerus="yes">
        <source>Sale · %n item(s)</source>
        <translation>
            <numerusform>Продажа · %n товар</numerusform>
            <numerusform>Продажа · %n товара</numerusform>
            <numerusform>Продажа · %n товаров</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Promotions · %n applied (Ctrl+Tab)</source>
        <translation>
            <numerusform>Акции · %n применена (Ctrl+Tab)</numerusform>
            <numerusform>Акции · %n применены (Ctrl+Tab)</numerusform>
            <numerusform>Акции · %n применено (Ctrl+Tab)</numerusform>
        </translation>
    </message>
    <message>
        <source>Promotions (Ctrl+Tab)</source>
        <translation>Акции (Ctrl+Tab)</translation>
    </message>
    <message>
        <source>by day</source>
        <translation>по дням</translation>
    </message>
    <message>
        <source>by week</source>
        <translation>по неделям</translation>
    </message>
    <message>
        <source>by month</source>
        <translation>по месяцам</translation>
    </message>
    <message>
        <source>up</source>
        <translation>вверх</translation>
    </message>
    <message>
        <source>down</source>
        <translation>вниз</translation>
    </message>
    <message>
        <source>in</source>
        <translation>вход</translation>
    </message>
    <message>
        <source>out</source>
        <translation>выход</translation>
    </message>
    <message>
        <source>across</source>
        <translation>между</translation>
    </message>
    <message>
        <source>every enrolled member</source>
        <translation>все зарегистрированные участники</translation>
    </message>
    <message>
        <source>members of segment %1</source>
        <translation>участники сегмента %1</translation>
    </message>
    <message>
        <source>Store %1</source>
        <translation>Магазин %1</translation>
    </message>
    <message>
        <source>Brand %1</source>
        <translation>Бренд %1</translation>
    </message>
    <message>
        <source>The chain</source>
        <translation>Вся сеть</translation>
    </message>
    <message>
        <source>Member AOV gap</source>
        <translation>Разница среднего чека</translation>
    </message>
    <message>
        <source>members %1 · others %2 · all %3</source>
        <translation>участники %1 · остальные %2 · все %3</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>Охват</translation>
    </message>
    <message>
        <source>of revenue · %1 of orders</source>
        <translation>выручки · %1 чеков</translation>
    </message>
    <message>
        <source>Average discount</source>
        <translation>Средняя скидка</translation>
    </message>
    <message>
        <source>money %1 · points %2</source>
        <translation>деньгами %1 · баллами %2</translation>
    </message>
    <message>
        <source>Points spent</source>
        <translation>Списано баллов</translation>
    </message>
    <message>
        <source>%1 of %2 accrued</source>
        <translation>%1 из %2 начисленных</translation>
    </message>
    <message>
        <source>Purchase rate</source>
        <translation>Доля покупавших</translation>
    </message>
    <message>
        <source>%1 of %2 members</source>
        <translation>%1 из %2 участников</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>Участники</translation>
    </message>
    <message>
        <source>+%1 joined · −%2 left</source>
        <translation>+%1 вступили · −%2 вышли</translation>
    </message>
    <message>
        <source>Members&apos; share</source>
        <translation>Доля участников</translation>
    </message>
    <message>
        <source>%1 of revenue (%2 of %3)</source>
        <translation>%1 выручки (%2 из %3)</translation>
    </message>
    <message>
        <source>%1 of orders (%2 of %3)</source>
        <translation>%1 чеков (%2 из %3)</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Участники</translation>
    </message>
    <message>
        <source>Non-members</source>
        <translation>Не участники</translation>
    </message>
    <message>
        <source>All customers</source>
        <translation>Все покупатели</translation>
    </message>
    <message>
        <source>Joined</source>
        <translation>Вступили</translation>
    </message>
    <message>
        <source>%1 joined</source>
        <translation>%1 вступили</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Вышли</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>%1 вышли</translation>
    </message>
    <message>
        <source>Active members</source>
        <translation>Активные участники</translation>
    </message>
    <message>
        <source>%1 members at the end</source>
        <translation>%1 участников на конец периода</translation>
    </message>
    <message>
        <source>Money discounts</source>
        <translation>Денежные скидки</translation>
    </message>
    <message>
        <source>money %1 (%2)</source>
        <translation>деньгами %1 (%2)</translation>
    </message>
    <message>
        <source>points %1 (%2)</source>
        <translation>баллами %1 (%2)</translation>
    </message>
    <message>
        <source>Accrued</source>
        <translation>Начислено</translation>
    </message>
    <message>
        <source>%1 accrued</source>
        <translation>%1 начислено</translation>
    </message>
    <message>
        <source>Redeemed</source>
        <translation>Списано</translation>
    </message>
    <message>
        <source>%1 redeemed (%2 of accrued)</source>
        <translation>%1 списано (%2 от начисленных)</translation>
    </message>
    <message>
        <source>%1 bought (%2 of %3)</source>
        <translation>%1 покупали (%2 из %3)</translation>
    </message>
    <message>
        <source>Coverage: members&apos; share of revenue</source>
        <translation>Охват: доля участников в выручке</translation>
    </message>
    <message>
        <source>Coverage: members&apos; share of orders</source>
        <translation>Охват: доля участников в чеках</translation>
    </message>
    <message>
        <source>Average order value</source>
        <translation>Средний чек</translation>
    </message>
    <message>
        <source>Members: joined, left, active</source>
        <translation>Участники: вступили, вышли, активны</translation>
    </message>
    <message>
        <source>Average discount (share of members&apos; revenue)</source>
        <translation>Средняя скидка (доля выручки участников)</translation>
    </message>
    <message>
        <source>Points accrued and redeemed</source>
        <translation>Баллы: начисление и списание</translation>
    </message>
    <message>
        <source>Points liability</source>
        <translation>Обязательства по баллам</translation>
    </message>
    <message>
        <source>points</source>
        <translation>баллы</translation>
    </message>
    <message>
        <source>value</source>
        <translation>сумма</translation>
    </message>
    <message>
        <source>Outstanding</source>
        <translation>На счетах</translation>
    </message>
    <message>
        <source>Pending (return window)</source>
        <translation>В ожидании (срок возврата)</translation>
    </message>
    <message>
        <source>Expiring within 30 days</source>
        <translation>Сгорят в течение 30 дней</translation>
    </message>
    <message>
        <source>Expiring within 90 days</source>
        <translation>Сгорят в течение 90 дней</translation>
    </message>
    <message>
        <source>Expired in the period</source>
        <translation>Сгорели за период</translation>
    </message>
    <message>
        <source>No tier</source>
        <translation>Без уровня</translation>
    </message>
    <message>
        <source>Tiers and movements</source>
        <translation>Уровни и переходы</translation>
    </message>
    <message>
        <source>tier</source>
        <translation>уровень</translation>
    </message>
    <message>
        <source>members</source>
        <translation>участники</translation>
    </message>
    <message>
        <source>share</source>
        <translation>доля</translation>
    </message>
    <message>
        <source>Redemptions by reward</source>
        <translation>Списания по призам</translation>
    </message>
    <message>
        <source>reward</source>
        <translation>приз</translation>
    </message>
    <message>
        <source>claims</source>
        <translation>получено</translation>
    </message>
    <message>
        <source>per 1,000</source>
        <translation>на 1 000</translation>
    </message>
    <message>
        <source>Promotions: cost and orders</source>
        <translation>Акции: затраты и чеки</translation>
    </message>
    <message>
        <source>promotion</source>
        <translation>акция</translation>
    </message>
    <message>
        <source>orders</source>
        <translation>чеки</translation>
    </message>
    <message>
        <source>cost</source>
        <translation>затраты</translation>
    </message>
    <message>
        <source>cost share</source>
        <translation>доля затрат</translation>
    </message>
    <message>
        <source>Enrollments by store</source>
        <translation>Регистрации по магазинам</translation>
    </message>
    <message>
        <source>store</source>
        <translation>магазин</translation>
    </message>
    <message>
        <source>enrollments</source>
        <translation>регистрации</translation>
    </message>
    <message>
        <source>Leakage from offline conflicts: %1</source>
        <translation>Потери из-за офлайн-конфликтов: %1</translation>
    </message>
    <message>
        <source>conflict</source>
        <translation>конфликт</translation>
    </message>
    <message>
        <source>count</source>
        <translation>кол-во</translation>
    </message>
    <message>
        <source>money</source>
        <translation>деньги</translation>
    </message>
    <message>
        <source>%1 (95% CI %2 to %3)</source>
        <translation>%1 (95% ДИ от %2 до %3)</translation>
    </message>
    <message>
        <source>Control group — %1</source>
        <translation>Контрольная группа — %1</translation>
    </message>
    <message>
        <source>target</source>
        <translation>целевая</translation>
    </message>
    <message>
        <source>control</source>
        <translation>контрольная</translation>
    </message>
    <message>
        <source>lift</source>
        <translation>прирост</translation>
    </message>
    <message>
        <source>Revenue per member</source>
        <translation>Выручка на участника</translation>
    </message>
    <message>
        <source>Average order</source>
        <translation>Средний чек</translation>
    </message>
    <message>
        <source>Revenue it drove</source>
        <translation>Выручка благодаря акции</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>7 дней</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>30 дней</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>90 дней</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>12 месяцев</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>Свой период</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Авто</translation>
    </message>
    <message>
        <source>By day</source>
        <translation>По дням</translation>
    </message>
    <message>
        <source>By week</source>
        <translation>По неделям</translation>
    </message>
    <message>
        <source>By month</source>
        <translation>По месяцам</translation>
    </message>
    <message>
        <source>Point at a bar for its value</source>
        <translation>Наведите на столбец, чтобы увидеть значение</translation>
    </message>
    <message>
        <source>This &amp;register</source>
        <translation>Эта &amp;касса</translation>
    </message>
    <message>
        <source>&amp;Store · central</source>
        <translation>&amp;Магазин</translation>
    </message>
    <message>
        <source>Every register of this store, as the central service counts it</source>
        <translation>Все кассы этого магазина по данным центрального сервиса</translation>
    </message>
    <message>
        <source>This register is not paired with a central service</source>
        <translation>Эта касса не подключена к центральному сервису</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Показать</translation>
    </message>
    <message>
        <source>to</source>
        <comment>a range of dates</comment>
        <translation>по</translation>
    </message>
    <message>
        <source>From</source>
        <comment>a range of dates</comment>
        <translation>С</translation>
    </message>
    <message>
        <source>Save &amp;PNG</source>
        <translation>В &amp;PNG</translation>
    </message>
    <message>
        <source>Save &amp;CSV</source>
        <translation>В &amp;CSV</translation>
    </message>
    <message>
        <source>Loyalty Program report</source>
        <translation>Отчёт по программе лояльности</translation>
    </message>
    <message>
        <source>by &amp;orders</source>
        <translation>по &amp;чекам</translation>
    </message>
    <message>
        <source>Switch coverage between the share of revenue and the share of orders</source>
        <translation>Переключить охват между долей выручки и долей чеков</translation>
    </message>
    <message>
        <source>Loading the store&apos;s figures from the central service…</source>
        <translation>Загрузка показателей магазина из центрального сервиса…</translation>
    </message>
    <message>
        <source>Counting this register&apos;s sales…</source>
        <translation>Подсчёт продаж этой кассы…</translation>
    </message>
    <message>
        <source>The central service could not answer (%1): showing this register&apos;s own figures.</source>
        <translation>Центральный сервис не ответил (%1): показаны показатели этой кассы.</translation>
    </message>
    <message>
        <source>This range cannot be shown: %1</source>
        <translation>Этот период нельзя показать: %1</translation>
    </message>
    <message>
        <source>participants: %1</source>
        <translation>участники: %1</translation>
    </message>
    <message>
        <source>No sales in this range yet.</source>
        <translation>В этом периоде продаж пока нет.</translation>
    </message>
    <message>
        <source>by &amp;revenue</source>
        <translation>по &amp;выручке</translation>
    </message>
    <message>
        <source>Export the report as %1</source>
        <translation>Экспорт отчёта в %1</translation>
    </message>
    <message>
        <source>Could not write %1</source>
        <translation>Не удалось записать %1</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Сохранено: %1</translation>
    </message>
    <message>
        <source>Re&amp;port</source>
        <translation>&amp;Отчёт</translation>
    </message>
    <message>
        <source>Print a receipt again</source>
        <translation>Повторная печать чека</translation>
    </message>
    <message>
        <source>Scan the receipt&apos;s barcode or type its order number, Enter</source>
        <translation>Отсканируйте штрихкод чека или введите его номер, Enter</translation>
    </message>
    <message>
        <source>Print a copy</source>
        <translation>Печать копии</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Закрыть (Esc)</translation>
    </message>
    <message>
        <source>Looking for the last receipt…</source>
        <translation>Ищем последний чек…</translation>
    </message>
    <message>
        <source>Looking up the order…</source>
        <translation>Ищем чек…</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>Возврат</translation>
    </message>
    <message>
        <source>Order %1: F5 prints the slip shown as a copy.</source>
        <translation>Чек %1: F5 печатает показанный чек как копию.</translation>
    </message>
    <message>
        <source>Sold</source>
        <translation>Продано</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>Возвращено</translation>
    </message>
    <message>
        <source>Net paid</source>
        <translation>Оплачено</translation>
    </message>
    <message>
        <source>VOIDED</source>
        <translation>АННУЛИРОВАН</translation>
    </message>
    <message>
        <source>Order %1</source>
        <translation>Чек %1</translation>
    </message>
    <message>
        <source>anonymous sale</source>
        <translation>анонимная продажа</translation>
    </message>
    <message>
        <source>paid %1</source>
        <translation>оплачено %1</translation>
    </message>
    <message numerus="yes">
        <source>%Ln point(s) earned</source>
        <translation>
            <numerusform>начислен %Ln балл</numerusform>
            <numerusform>начислено %Ln балла</numerusform>
            <numerusform>начислено %Ln баллов</numerusform>
        </translation>
    </message>
    <message>
        <source>Scan the receipt&apos;s barcode, or type the order number (S1-R1-000042)</source>
        <translation>Отсканируйте штрихкод чека или введите номер чека (S1-R1-000042)</translation>
    </message>
    <message>
        <source>&amp;Void the last sale</source>
        <translation>&amp;Аннулировать последнюю продажу</translation>
    </message>
    <message>
        <source>Alt+V: the order shown, when it is this register&apos;s last; else the last one</source>
        <translation>Alt+V: показанный чек, если он последний на этой кассе; иначе последний</translation>
    </message>
    <message>
        <source>Return the items (Enter)</source>
        <translation>Вернуть товары (Enter)</translation>
    </message>
    <message>
        <source>Choose how many of each item come back (Tab to the next), then Enter.</source>
        <translation>Выберите, сколько каждого товара возвращается (Tab — к следующему), затем Enter.</translation>
    </message>
    <message>
        <source>Set the quantity of at least one item to return.</source>
        <translation>Укажите количество хотя бы одного товара для возврата.</translation>
    </message>
    <message>
        <source>Return these items?</source>
        <translation>Вернуть эти товары?</translation>
    </message>
    <message numerus="yes">
        <source>Order %1 · %2: refund %3 for %n line(s).</source>
        <translation>
            <numerusform>Чек %1 · %2: вернуть %3 за %n строку.</numerusform>
            <numerusform>Чек %1 · %2: вернуть %3 за %n строки.</numerusform>
            <numerusform>Чек %1 · %2: вернуть %3 за %n строк.</numerusform>
        </translation>
    </message>
    <message>
        <source>Refund %1</source>
        <translation>Вернуть %1</translation>
    </message>
    <message>
        <source>Recording the return…</source>
        <translation>Оформляем возврат…</translation>
    </message>
    <message>
        <source>Refund %1.</source>
        <translation>К возврату %1.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln point(s) given back.</source>
        <translation>
            <numerusform>%Ln балл возвращён покупателю.</numerusform>
            <numerusform>%Ln балла возвращено покупателю.</numerusform>
            <numerusform>%Ln баллов возвращено покупателю.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln point(s) taken back.</source>
        <translation>
            <numerusform>%Ln балл списан обратно.</numerusform>
            <numerusform>%Ln балла списано обратно.</numerusform>
            <numerusform>%Ln баллов списано обратно.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln point(s) already spent (not recovered).</source>
        <translation>
            <numerusform>%Ln балл уже потрачен (не возвращён).</numerusform>
            <numerusform>%Ln балла уже потрачено (не возвращено).</numerusform>
            <numerusform>%Ln баллов уже потрачено (не возвращено).</numerusform>
        </translation>
    </message>
    <message>
        <source>Return recorded</source>
        <translation>Возврат оформлен</translation>
    </message>
    <message>
        <source>Done (Enter)</source>
        <translation>Готово (Enter)</translation>
    </message>
    <message>
        <source>Void this sale?</source>
        <translation>Аннулировать эту продажу?</translation>
    </message>
    <message>
        <source>Void order %1 · %2 · %3? Every point it moved goes back.</source>
        <translation>Аннулировать чек %1 · %2 · %3? Все начисления и списания баллов по нему отменятся.</translation>
    </message>
    <message>
        <source>Only the register&apos;s last sale can be voided; an older one is returned instead.</source>
        <translation>Аннулировать можно только последнюю продажу кассы; для более ранней оформляется возврат.</translation>
    </message>
    <message>
        <source>Void %1</source>
        <translation>Аннулировать %1</translation>
    </message>
    <message>
        <source>Voiding %1…</source>
        <translation>Аннулируем %1…</translation>
    </message>
    <message numerus="yes">
        <source>Order %1 voided: refund %2; %n ledger entry(s) reversed.</source>
        <translation>
            <numerusform>Чек %1 аннулирован: к возврату %2; %n запись журнала сторнирована.</numerusform>
            <numerusform>Чек %1 аннулирован: к возврату %2; %n записи журнала сторнированы.</numerusform>
            <numerusform>Чек %1 аннулирован: к возврату %2; %n записей журнала сторнировано.</numerusform>
        </translation>
    </message>
    <message>
        <source>Order %1 paid: %2.</source>
        <translation>Чек %1 оплачен: %2.</translation>
    </message>
    <message numerus="yes">
        <source>%1 earned %Ln point(s), spent %2 — balance %3.</source>
        <translation>
            <numerusform>%1: начислен %Ln балл, списано %2 — баланс %3.</numerusform>
            <numerusform>%1: начислено %Ln балла, списано %2 — баланс %3.</numerusform>
            <numerusform>%1: начислено %Ln баллов, списано %2 — баланс %3.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 earned %Ln point(s) — balance %3.</source>
        <translation>
            <numerusform>%1: начислен %Ln балл — баланс %3.</numerusform>
            <numerusform>%1: начислено %Ln балла — баланс %3.</numerusform>
            <numerusform>%1: начислено %Ln баллов — баланс %3.</numerusform>
        </translation>
    </message>
    <message>
        <source>Next-visit code %1 is on the receipt.</source>
        <translation>Промокод на следующий визит %1 напечатан в чеке.</translation>
    </message>
    <message>
        <source>%1: code %2 is on the receipt.</source>
        <translation>%1: промокод %2 напечатан в чеке.</translation>
    </message>
    <message>
        <source>Added %1</source>
        <translation>Добавлено: %1</translation>
    </message>
    <message>
        <source>Reward claimed: %1</source>
        <translation>Приз получен: %1</translation>
    </message>
    <message>
        <source>F3  Scan or type a barcode or SKU (3* = three)</source>
        <translation>F3  Отсканируйте или введите штрихкод или артикул (3* = три)</translation>
    </message>
    <message>
        <source>Item entry</source>
        <translation>Ввод товара</translation>
    </message>
    <message numerus="yes">
        <source>Sale  ·  %n item(s)</source>
        <translation>
            <numerusform>Продажа  ·  %n товар</numerusform>
            <numerusform>Продажа  ·  %n товара</numerusform>
            <numerusform>Продажа  ·  %n товаров</numerusform>
        </translation>
    </message>
    <message>
        <source>No promotion applies yet</source>
        <translation>Акции пока не применяются</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… и ещё %n</numerusform>
            <numerusform>… и ещё %n</numerusform>
            <numerusform>… и ещё %n</numerusform>
        </translation>
    </message>
    <message>
        <source>Promotions show here as items are scanned: what applies, what does not and why.</source>
        <translation>Акции появятся здесь по мере сканирования: что применилось, что нет и почему.</translation>
    </message>
    <message numerus="yes">
        <source>Promotions  ·  %n applied</source>
        <translation>
            <numerusform>Акции  ·  %n применена</numerusform>
            <numerusform>Акции  ·  %n применены</numerusform>
            <numerusform>Акции  ·  %n применено</numerusform>
        </translation>
    </message>
    <message>
        <source>Codes and points</source>
        <translation>Промокоды и баллы</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Промокод</translation>
    </message>
    <message>
        <source>Promo code</source>
        <translation>Промокод</translation>
    </message>
    <message>
        <source>Points or M</source>
        <translation>Баллы / M</translation>
    </message>
    <message>
        <source>Points to pay with</source>
        <translation>Баллы к оплате</translation>
    </message>
    <message>
        <source>F4 Code</source>
        <translation>F4 Промокод</translation>
    </message>
    <message>
        <source>F6 Points</source>
        <translation>F6 Баллы</translation>
    </message>
    <message>
        <source>m</source>
        <comment>the most points allowed</comment>
        <translation>м</translation>
    </message>
    <message>
        <source>Type a number of points, or M for the most allowed</source>
        <translation>Введите число баллов или M — максимум допустимого</translation>
    </message>
    <message numerus="yes">
        <source>%Ln point(s) spendable now</source>
        <translation>
            <numerusform>Можно списать: %Ln балл</numerusform>
            <numerusform>Можно списать: %Ln балла</numerusform>
            <numerusform>Можно списать: %Ln баллов</numerusform>
        </translation>
    </message>
    <message>
        <source>max</source>
        <comment>the most points allowed</comment>
        <translation>макс.</translation>
    </message>
    <message>
        <source>Paying %1 = %2  (asked %3)</source>
        <translation>Списываем %1 = %2  (запрошено %3)</translation>
    </message>
    <message>
        <source>At most %1 may pay for this order</source>
        <translation>Не более %1 можно списать за этот чек</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Итого</translation>
    </message>
    <message>
        <source>Subtotal</source>
        <translation>Подытог</translation>
    </message>
    <message>
        <source>Discounts</source>
        <translation>Скидки</translation>
    </message>
    <message>
        <source>Paid with points</source>
        <translation>Оплачено баллами</translation>
    </message>
    <message>
        <source>Add a little more to get: %1</source>
        <translation>Добавьте ещё немного, чтобы получить: %1</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Вход</translation>
    </message>
    <message>
        <source>Who is at the till (↑/↓)</source>
        <translation>Кто за кассой (↑/↓)</translation>
    </message>
    <message>
        <source>PIN, then Enter</source>
        <translation>PIN, затем Enter</translation>
    </message>
    <message>
        <source>No account at this register yet: create one with `pos-companion user add ID NAME --role manager`.</source>
        <translation>На этой кассе ещё нет учётных записей: создайте её командой `pos-companion user add ID NAME --role manager`.</translation>
    </message>
    <message>
        <source>Locked  ·  %1</source>
        <translation>Заблокировано  ·  %1</translation>
    </message>
    <message>
        <source>Sign in first: scans are taken once a cashier is at the till.</source>
        <translation>Сначала войдите: сканирование работает, когда за кассой кассир.</translation>
    </message>
    <message>
        <source>A PIN is 4 to 8 digits.</source>
        <translation>PIN — от 4 до 8 цифр.</translation>
    </message>
    <message>
        <source>The till takes payment for this check</source>
        <translation>Оплату по этому чеку принимает касса магазина</translation>
    </message>
    <message>
        <source>Till %1: check %2</source>
        <translation>Касса %1: чек %2</translation>
    </message>
    <message>
        <source>Till %1 paid check %2: order %3</source>
        <translation>Касса %1 оплатила чек %2: продажа %3</translation>
    </message>
    <message>
        <source>not started yet</source>
        <translation>ещё не началась</translation>
    </message>
    <message>
        <source>offer is over</source>
        <translation>акция закончилась</translation>
    </message>
    <message>
        <source>not today</source>
        <translation>не сегодня</translation>
    </message>
    <message>
        <source>not at this hour</source>
        <translation>не в это время</translation>
    </message>
    <message>
        <source>not in this store</source>
        <translation>не в этом магазине</translation>
    </message>
    <message>
        <source>identify the customer first</source>
        <translation>сначала найдите покупателя</translation>
    </message>
    <message>
        <source>not for this customer</source>
        <translation>не для этого покупателя</translation>
    </message>
    <message>
        <source>needs a code</source>
        <translation>нужен промокод</translation>
    </message>
    <message>
        <source>code already used</source>
        <translation>промокод уже использован</translation>
    </message>
    <message>
        <source>code belongs to someone else</source>
        <translation>промокод принадлежит другому</translation>
    </message>
    <message>
        <source>already used</source>
        <translation>уже использована</translation>
    </message>
    <message>
        <source>first order only</source>
        <translation>только на первую покупку</translation>
    </message>
    <message>
        <source>birthday week only</source>
        <translation>только в неделю дня рождения</translation>
    </message>
    <message>
        <source>no matching items</source>
        <translation>нет подходящих товаров</translation>
    </message>
    <message>
        <source>spend more</source>
        <translation>нужна бо́льшая сумма покупки</translation>
    </message>
    <message>
        <source>buy more</source>
        <translation>нужно больше товаров</translation>
    </message>
    <message>
        <source>excluded by another offer</source>
        <translation>исключена другой акцией</translation>
    </message>
    <message>
        <source>another offer stops the rest</source>
        <translation>другая акция останавливает остальные</translation>
    </message>
    <message>
        <source>a similar offer already applies</source>
        <translation>похожая акция уже применена</translation>
    </message>
    <message>
        <source>a better offer applies</source>
        <translation>применена более выгодная акция</translation>
    </message>
    <message>
        <source>nothing to discount</source>
        <translation>нечего скидывать</translation>
    </message>
    <message>
        <source>all the points the customer has</source>
        <translation>все баллы покупателя</translation>
    </message>
    <message>
        <source>capped: points may pay at most part of the order</source>
        <translation>ограничено: баллами можно оплатить лишь часть чека</translation>
    </message>
    <message>
        <source>rounded down to the redemption step</source>
        <translation>округлено вниз до шага списания</translation>
    </message>
    <message>
        <source>below the minimum to redeem</source>
        <translation>меньше минимума для списания</translation>
    </message>
    <message>
        <source>applied</source>
        <translation>применён</translation>
    </message>
    <message>
        <source>unknown code</source>
        <translation>неизвестный промокод</translation>
    </message>
    <message>
        <source>belongs to another customer</source>
        <translation>принадлежит другому покупателю</translation>
    </message>
    <message>
        <source>valid, but nothing in the cart qualifies</source>
        <translation>действует, но нет подходящих товаров</translation>
    </message>
    <message>
        <source>≈ Best deal found within the search limit: another combination might save the customer a little more.</source>
        <translation>≈ Лучшая выгода найдена в пределах поиска: другая комбинация могла бы сэкономить покупателю ещё немного.</translation>
    </message>
    <message>
        <source>Demo: Sam Cashier&apos;s PIN %1 · manager mode (F10): user %2, PIN %3 · Try card 2900000000018 (Zoë Martin) and code SAVE5</source>
        <translation>Демо: PIN кассира Sam Cashier — %1 · режим менеджера (F10): пользователь «%2», PIN %3 · Попробуйте карту 2900000000018 (Zoë Martin) и промокод SAVE5</translation>
    </message>
    <message>
        <source>%1 a point</source>
        <translation>%1 за балл</translation>
    </message>
    <message numerus="yes">
        <source>Capped at %Ln point(s): points may pay at most part of the order</source>
        <translation>
            <numerusform>Не более %Ln балла: баллами можно оплатить лишь часть чека</numerusform>
            <numerusform>Не более %Ln баллов: баллами можно оплатить лишь часть чека</numerusform>
            <numerusform>Не более %Ln баллов: баллами можно оплатить лишь часть чека</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Below the minimum of %Ln point(s)</source>
        <translation>
            <numerusform>Меньше минимума в %Ln балл</numerusform>
            <numerusform>Меньше минимума в %Ln балла</numerusform>
            <numerusform>Меньше минимума в %Ln баллов</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 pts</source>
        <translation>%1 б.</translation>
    </message>
    <message numerus="yes">
        <source>Earns %Ln point(s)</source>
        <translation>
            <numerusform>Начислится %Ln балл</numerusform>
            <numerusform>Начислится %Ln балла</numerusform>
            <numerusform>Начислится %Ln баллов</numerusform>
        </translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>с %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>никогда</translation>
    </message>
    <message>
        <source>%1 s</source>
        <comment>seconds</comment>
        <translation>%1 с</translation>
    </message>
    <message>
        <source>%1 min</source>
        <comment>minutes</comment>
        <translation>%1 мин</translation>
    </message>
    <message>
        <source>%1 h</source>
        <comment>hours</comment>
        <translation>%1 ч</translation>
    </message>
    <message>
        <source>%1 d</source>
        <comment>days</comment>
        <translation>%1 д</translation>
    </message>
</context>
</TS>
