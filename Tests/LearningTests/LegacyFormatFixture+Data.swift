// Generated once by the code before the model was laid out by component (model format 4): see
// LegacyFormatFixture. Data only.

import Clickstream

extension LegacyFormatFixture {
    static let ranking = LegacyFormatFixture(
        model: """
            TVRTVwQAAAA0BwAAAAAAAHsiZGV0ZXJtaW5pc3RpYyI6ZmFsc2UsImZlYXR1cmVzIjp7ImJ1Y2tldHMiOjE2LCJpdGVtX2ZlYXR1
            cmVzIjpmYWxzZSwibWF4X3Blcl9lbnRpdHkiOjIsInVzZXJfZmVhdHVyZXMiOnRydWV9LCJraW5kX3dlaWdodHMiOnsiY2FydCI6
            MS41LCJjbGljayI6MSwiZmF2b3JpdGUiOjEuNSwicHVyY2hhc2UiOjIsInJhdGluZyI6MSwidmlldyI6MC41fSwibWV0YSI6eyJh
            bGdvcml0aG0iOiJmb21hbWwiLCJlbmFibGVkIjp0cnVlLCJob2xkb3V0X3NoYXJlIjowLCJpbm5lcl9zdGVwX3NpemVzIjpmYWxz
            ZSwiaW50ZXJ2YWwiOjUwLCJsZWFybmluZ19yYXRlIjowLjA1LCJzdGVwX3NpemVfbGVhcm5pbmdfcmF0ZSI6MC4wMSwidmVjdG9y
            X2xlYXJuaW5nX3JhdGUiOjAuMDF9LCJvYmplY3RpdmUiOiJyYW5raW5nIiwicmFua2luZyI6eyJiaWFzX2xlYXJuaW5nX3JhdGUi
            OjAuMDEsImJsZW5kX2xlYXJuaW5nX3JhdGUiOjAuMDA1LCJjYW5kaWRhdGVfbmVpZ2hib3JzIjoxMDAwLCJjYW5kaWRhdGVfcG9v
            bCI6NTAwLCJjb2xkX2V2ZW50cyI6NSwiY29sZF9mZWF0dXJlX3ByaW9yIjoxMCwiY29sZF9mZWF0dXJlcyI6ZmFsc2UsImNvbGRf
            cG9wdWxhcml0eV9oYWxmX2xpZmUiOjMwMCwiY29udGV4dF9kZWNheSI6MC44LCJjb29jY3VycmVuY2VfZGVjYXkiOjAuOTUsImNv
            b2NjdXJyZW5jZV9oYWxmX2xpZmUiOjAsImNvb2NjdXJyZW5jZV93aW5kb3ciOjgsImZhY3RvcnMiOjQsImhlYWRfbGVhcm5pbmdf
            cmF0ZSI6MC40LCJpbml0aWFsX2JsZW5kIjpbMSwxLDEsMV0sImluaXRpYWxfc2NhbGUiOjAuMSwiaW5uZXJfc3RlcHMiOjIsIml0
            ZW1fb2Zmc2V0X2xlYXJuaW5nX3JhdGUiOjAuMDEsImxlYXJuaW5nX3JhdGUiOjAuMDUsImxvZ19jb21wb25lbnRzIjp0cnVlLCJs
            b2dfZmxvb3IiOjAuMDAxLCJsb2dfbmVpZ2hib3JzIjpmYWxzZSwibWF4X25laWdoYm9ycyI6MTYsIm1ldGFfbG9zcyI6ImhlYWRf
            c29mdG1heCIsIm5lZ2F0aXZlcyI6NCwibmVpZ2hib3JfYWxwaGEiOjAuNSwibmVpZ2hib3JfYmV0YSI6MC41LCJuZWlnaGJvcl9j
            b250ZXh0Ijo2LCJwb3B1bGFyaXR5X2hhbGZfbGlmZSI6MTAwMCwicmVndWxhcml6YXRpb24iOjAuMDAyLCJyZXRyaWV2YWwiOiJm
            dWxsIiwicmV2ZXJzZV93ZWlnaHQiOjEsInNlc3Npb25fY29udGV4dF93ZWlnaHQiOjIsInNlc3Npb25fZGVjYXkiOjEsInNlc3Np
            b25fZ2FwIjo2MCwic2Vzc2lvbnMiOnRydWUsInN0YWdlX2VkZ2VzIjpbMjAsNTAsMTAwXSwic3RhZ2VfaGFsZl9saXZlcyI6WzIw
            MDAsMzAwMCwzMDAwLDMwMDBdLCJzdGFnZV9wb3B1bGFyaXR5Ijp0cnVlLCJ0b3BfbmVnYXRpdmVzIjoxMCwidXNlcl9pbml0X25v
            aXNlIjowLjAxLCJ1c2VyX2xlYXJuaW5nX3JhdGUiOjAuMDUsIndpbmRvdyI6OH0sInJhdGluZyI6eyJiaWFzX2xlYXJuaW5nX3Jh
            dGVfc2NhbGUiOjMsImJpYXNfc2NhbGVfbGVhcm5pbmdfcmF0ZSI6MywiYmlhc19zY2FsZV9yZWd1bGFyaXphdGlvbiI6MC4wMSwi
            ZmFjdG9ycyI6OCwiaW5pdGlhbF9zY2FsZSI6MC4wMSwiaW5uZXJfc3RlcHMiOjEsIml0ZW1fZGVjYXlfY291bnQiOjMsIml0ZW1f
            ZGVjYXlfcG93ZXIiOjAuNzUsImxlYXJuaW5nX3JhdGUiOjAuMDgsIm1heGltdW0iOjUsIm1pbmltdW0iOjEsInJlZ3VsYXJpemF0
            aW9uIjowLjAwMSwic2hyaW5rYWdlIjowLCJ1c2VyX2RlY2F5X2NvdW50IjoxMCwidXNlcl9kZWNheV9mbG9vciI6MC40NSwidXNl
            cl9kZWNheV9wb3dlciI6MSwidXNlcl9mYWN0b3JfbGVhcm5pbmdfcmF0ZSI6MC4yLCJ1c2VyX2ZlYXR1cmVzIjpmYWxzZSwidXNl
            cl9sZWFybmluZ19yYXRlIjowLjE1LCJ3aW5kb3ciOjF9LCJzZWVkIjo0Miwic2Vlbl9saW1pdCI6NjR98mmyBrOTHG5oAQAAAAAA
            AAcAAAAAAAAABwAAAAAAAAAaAAAAAAAAABoAAAAAAAAAAgAAAGk1AwAAAGkxNgMAAABpMTMCAAAAaTQDAAAAaTIxAgAAAGkxAwAA
            AGkyMgMAAABpMTQCAAAAaTMCAAAAaTYDAAAAaTExAwAAAGkyNwIAAABpNwMAAABpMTgDAAAAaTI4AwAAAGkyMwMAAABpMTADAAAA
            aTE1AgAAAGk5AwAAAGkyNQMAAABpMTkDAAAAaTIwAwAAAGkxNwMAAABpMjYCAAAAaTIDAAAAaTEyKAAAAAAAAAA9TC4/AACAP/21
            Mz8RwEo/t+ZDP9h2Wj+uIzQ/825OP0GiXj9oBlc/o3NfPw5qSj/mszo/ObiEP7s5UT8ob0c/em9lP3jReT+0RF4/zDJMPzJAXT9m
            QoU/dgmmP47qWT8NNTY/yIuTP6qZpz8n+1o/DAeFPw5snT9PGow/BsiXPze+ez9a1F4/USp+P/GLlz/e+Em+oLBSPt+uUr0ArEi9
            KAAAAAAAAADE216+AAAAAA5oiL7aiEm9CGesvLyuVb5iTiO9iQTwuwu5obxUY9+8knGJvOGA3btWon+8fTxTvOHFJDxIWvW7mjK1
            u4HtS7xIgiG7qp5OvG0oyryrsU28U8+iPFPdvbxM/p+7oMukOrgGGjupntK7gWYJOvtCrjpbTI469SHFOTQm7ToELs45E4B1ut9R
            BTsAAAAAAAAAAAAAAAAAAAAAKAAAAAAAAABiFOA6AAAAAJNPejs23Do5ZwrAOPiBuTribu44chWbN6hwIzhEhM03t+XoN2wjNzbK
            f6030zYGOKGY4DeGFpk2imNsNxpmHjdcgw434uA1N/D2LjizwaI3Rn2fN5T0wjf4g/w1afXVNUdQvTQl3pw2wJ61NPDXnzTCBG00
            hZq3M/OzHzVCOvo02H99NULaWTQAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAiuxsO1oYMLvEUWM6/wli
            OwO4WjplZSE5i5MUujgmFrkhN0c854AgvP54Njp7ApI7AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADpwgU8BcKRumVm
            lDqUMIM7AAAAAAAAAAAAAAAAAAAAAHmg3TpvdF66yImuOJgSujkAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIiK/Dr/
            4wa7ukADul9QhjrcWwM8494nvNjSHTse+qg7TAEZPEL2Zbz21xo7vBnAOwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AQAAAAAAAAAAAAAAaAAAAAAAAAAIiws8+JlIP/Wjmj7AbZE+C/YDvzXDKT+GdEa+ofe3vpUZ7z+fK1Y/r6IWv4TRDD6ftxe/3W8g
            QJcRgL8WQpu/hZeNQEj8179PtB2/CHWbP8G/C8AGC2S/fUaZP+TUor4/vNI+vr8jP4tBrb6ippe8gIWoPTF9OL5kl/49mbyIvai2
            kT+gFb8/YMdov5IPdL7hl6+9QQUcPltZvD2ercK8aGECPyOljj8KBjW/xY98vm2Rgz7k0Xo/lvHUvnHbKb5JIxM/LhNXP4PHBb/k
            asu99EwEv2ihFMBn2Q8/5A+ZP3nFi79gDbK/Y0oLP1jJ3r1mKKm/r3lSvisHNz8felW+1+eAvZsV0z3WLmS+v+4/vmbPtL7jc3m/
            rutkPrCERb1PDmu+xAA5v8T74D4CTnY+2nv6PAz7QD7oF489kNcRvgmllb4Qwli946c7vj5M/b0uMG6/d7Q0vt4gpz7x/P+91f5k
            PhK3B7+oEKc+nAzAPkx62T6jgoA8I4XcPfDRyDv4eYu/8zojv8AhKT+HtQa+rZ2gvpqYY70r08g8RqPTPBoAAAAAAAAAGgD0PZb/
            tD0pnQg/gPGHQH50AsE7SA2/HgkaPnZwzj5ztE0/lYkIPjo4M775UfE+gfcXP5+Ijj8WcSO/k6r/PcoMtT3AoPo9SdU4P561q77W
            1p++aSAxvxd86z7YgmQ+ilacPoN8HT4aAAAAAAAAAAAAkEEAAKBAAABgQQAASkIAABhBAABQQQAAYEAAAEBAAADAQQAAQEAAAEBB
            AADAQAAAwEAAAA5CAAA4QQAAQEAAAKBAAADQQAAAsEAAACBAAADAQAAAIEAAAPBAAAAAQAAAYEAAAIA/GgAAAAAAAAB6R6VBKp2v
            QLHkhEFEAGZCnpguQfz7YkGuXnVA8qJXQKKL2UEDV1FAvUxZQR6h3UBWsdtALKAgQsSVS0EQPVVA7jaxQLCQ6kAOOtFAAlI8QCii
            00B1NC5AcOcLQVUtFECdLYNAhCmbPxoAAAAAAAAAVnIAQae8eEDMzi9ASj8/QYY0p0BENuZATmMCP94WEUDKZsZAaC8wQCQJGUC8
            aRlA0eTsPwooq0FXfVBAH9MPQF7/M0A5JIo/6KHpPwAAAAAAAAAA1TYuQO6/Y0DWtpM/cIM9QMSEnT8aAAAAAAAAAPXraj7sBdE+
            pTKEPuCwDj6zAZ4+d9aIPu9b8T4AAAA/zcxMPgAAAD/VAI4+j4TBPo+EwT5ifik+w9CQPgAAAD/sBdE+uvS6PqvSyD531gg/j4TB
            PnfWCD9Tna8+Os0TP+9b8T7zBDU/GgAAAAAAAAD162o+7AXRPqUyhD7gsA4+swGePnfWiD7vW/E+AAAAP83MTD4AAAA/1QCOPo+E
            wT6PhME+Yn4pPsPQkD4AAAA/7AXRPrr0uj6r0sg+d9YIP4+EwT531gg/U52vPjrNEz/vW/E+8wQ1PxoAAAAAAAAAydv0PLACvzw3
            1A07PLSXvmAwkTwE03q7lxB6ukd7lTxyCpk8NSLRO0kumDviUqY8/EeePP13hj2YED08NQe/PHVRbjz4Z1686urgO2407bmkmQu7
            zNSdvAaveDxRlxk82quePMh+IzwaAAAAAAAAACney7wWnve7U9QiPWTYw7gy36g8IeExO3BGgTzlso87pVlku9/omDkYCxe8uuOb
            O9lljjxMKT46X9FDvc2ge7yLnhq8LlPHPDJ4AD2xkoW8cJxPvI+GfrxIEKY7CxJxO7kMzrsfhRC7NAAAAAAAAAD/////////////
            ////////////////////////////////////////////////////////////////////////////////////////////////////
            ////////////////////////////////////////////////////////////////////////////////////////////////////
            ////////////////////////////////////////////////////////////////I0ikP0QAZkLJrak/CiirQQAAgD8EAAAAAAAA
            AOA2fD9r8bFB0ujpPl0G5D4EAAAAAAAAALRm/T57lbM8n52IPy4kjD9OAQAAAAAAAAAAAAAAAOA/AAAAAAAAAAAQAAAAAAAAABoA
            AAAAAAAAEAAAACAAAAAKAAAADQAAAAIAAAADAAAAFQAAABIAAAABAAAABgAAABYAAAAIAAAACgAAAP//////////////////////
            /////////1YeukBI4XxAsqejQDMzG0CbnHFAoIXxPz0K5z8737Y/7XzbP4EWxj8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD/////
            CQAAAP////////////////////8BAAAA////////////////BwAAAP//////////////////////////////////////////BQAA
            AAYAAAD//////////wMAAAD//////////wIAAAAAAAAABAAAAAgAAAD//////////xAAAAAgAAAACgAAAAAAAAACAAAACAAAAAMA
            AAAKAAAACwAAAAwAAAANAAAAEAAAABYAAAD///////////////////////////////+ghfE/eLqtP9R48D9q+d8/POhMP4EWxj7t
            fNs+AACAP+182z57g9A+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAD/////////////////////AQAAAP////8GAAAA
            /////wkAAAD/////////////////////////////////////////////////////BQAAAAgAAAD///////////////8DAAAAAgAA
            AAcAAAD///////////////8QAAAAIAAAAA0AAAADAAAACAAAAAAAAAAEAAAAEwAAABQAAAARAAAAAQAAAAsAAAAGAAAAEgAAAAwA
            AAAKAAAA////////////////9ZddQK5HW0BI4XxAZmb2Pxax1z++IsE/AADAP3i6rT+BFkY/FrFXPzzoTD/tfNs+OsayPgAAAAAA
            AAAAAAAAAAIAAAAMAAAA/////wUAAAD/////////////////////CwAAAAYAAAD///////////////8DAAAA//////////8EAAAA
            //////////8HAAAACQAAAAgAAAD/////////////////////AAAAAAEAAAAKAAAA////////////////EAAAACAAAAAPAAAADQAA
            AAsAAAAEAAAABQAAABEAAAAAAAAAAQAAABAAAAAXAAAAFgAAAAIAAAAIAAAAEwAAAAwAAAAKAAAA/////1MiuUBi+4RAQXulQAT2
            M0AOyLRAsqejQGr53z+Wdw5AFrFXPx6Fcz9u4w1AF0SfP0lIVkAAAIA/Zma2PwAAAAADAAAABQAAAA4AAAD///////////////8K
            AAAA/////w0AAAAEAAAACQAAAP//////////AgAAAP//////////DAAAAP//////////BgAAAP////8BAAAABwAAAP//////////
            //////////8AAAAACwAAAAgAAAD//////////xAAAAAgAAAADgAAAAMAAAAFAAAADQAAAAsAAAAKAAAAAAAAAAIAAAAGAAAADgAA
            ABAAAAARAAAAFgAAAAgAAAATAAAA//////////9Be6VAL0jrP83MvD8QWGc/+SCfP/5MSz8SuRJAOsayPpQhRz/apEE/CKyzP+18
            2z6Pwrk/OsYyPwAAAAAAAAAAAQAAAAQAAAAFAAAA////////////////BgAAAP//////////CgAAAAsAAAD/////////////////
            ////CAAAAA0AAAD///////////////8HAAAAAwAAAAkAAAD///////////////8AAAAAAgAAAAwAAAD///////////////8QAAAA
            IAAAAAoAAAANAAAADgAAABEAAAADAAAACgAAAAQAAAAYAAAAFwAAABIAAAACAAAA////////////////////////////////7FGr
            QPkgf0A3HVdABPYzQI6xDEAvSOs/O7CqPzMzcz/tfNs+gRbGPgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAP////8EAAAA////////
            /////////////wkAAAD//////////wIAAAD///////////////8FAAAA/////wEAAAD/////BgAAAP//////////////////////
            ////////////////////AwAAAAAAAAAIAAAABwAAAP//////////EAAAACAAAAANAAAABwAAAAgAAAADAAAACQAAAAoAAAAMAAAA
            AgAAAAAAAAANAAAABAAAAAsAAAARAAAAEgAAAP///////////////wAAgD+qDytAPQpnP+18Wz++IkE/mpl5PxqK2D+F6xFA+i68
            PjrGsj49Cuc+OsayPgAAAD8AAAAAAAAAAAAAAAAHAAAABAAAAP////////////////////8GAAAAAAAAAAUAAAALAAAA////////
            ////////CQAAAAMAAAD///////////////////////////////8KAAAA/////////////////////wIAAAABAAAACAAAAAwAAAD/
            /////////xAAAAAgAAAADgAAAAYAAAAIAAAAAwAAAAkAAAAKAAAACwAAABIAAAAOAAAADQAAABcAAAAPAAAAGAAAABYAAAAAAAAA
            //////////8AAIA/AACAPzMzcz+/CqU/gRbGPjrGsj7UePA/MzPzPidnNEB7g9A+OsayPgAAAD8AAAA/AAAAPwAAAAAAAAAADQAA
            AAQAAAAKAAAA/////////////////////////////////////wwAAAD///////////////8DAAAABwAAAP////8LAAAA////////
            //8AAAAABQAAAP////////////////////8CAAAAAQAAAAYAAAAIAAAACQAAAP////8QAAAAIAAAAA4AAAACAAAAFAAAABMAAAAP
            AAAACQAAAAEAAAANAAAAAwAAAAsAAAAGAAAAEgAAAAwAAAAKAAAAAAAAAP//////////rkdbQKnCJECuRxtAmpkZQDMz8z/UePA/
            bdLgP9VPzj/6Lrw+uoXcPwp/0T98Bcc/+i68Pu182z8AAAAAAAAAAA0AAAAMAAAAAwAAAAEAAAD//////////wAAAAD/////CwAA
            AP//////////////////////////BAAAAP////8CAAAA//////////8FAAAACQAAAAgAAAD/////////////////////BwAAAAYA
            AAAKAAAA////////////////EAAAACAAAAALAAAACAAAAAMAAAAPAAAAFgAAABUAAAAHAAAAGAAAAA0AAAARAAAAAAAAABIAAAD/
            /////////////////////////zMz8z/fILQ/61GwP65HrT9/pqU/vwqlPwAAgD+amXk/gRbGPvouvD46xrI+AAAAAAAAAAAAAAAA
            AAAAAAAAAAAJAAAA/////wIAAAD/////////////////////BQAAAP////8IAAAAAwAAAP//////////////////////////////
            /wYAAAD//////////////////////////wQAAAD//////////wEAAAAAAAAABwAAAAoAAAD//////////xAAAAAgAAAADwAAAA0A
            AAAFAAAAAwAAAAgAAAAEAAAAFAAAAAIAAAARAAAAFgAAABcAAAAMAAAAEgAAAAsAAAAGAAAAAAAAAP////9WeWBAjrEMQI+uZUBq
            +d8/+SCfPwAAgD+WXaA/PQpnP3uD0D4AAAA/O9+2P75BaD89Cuc+gRbGPoEWxj8AAAAAAQAAAA4AAAD/////BQAAAP//////////
            BgAAAP////8KAAAABwAAAAgAAAD//////////wQAAAD///////////////////////////////8NAAAADAAAAP//////////////
            //////8CAAAAAAAAAAMAAAAJAAAACwAAAP////8QAAAAIAAAABAAAAADAAAACgAAAAgAAAAJAAAABwAAAAEAAAAMAAAADQAAAAQA
            AAAOAAAAFwAAAAUAAAARAAAAAgAAAAYAAAASAAAAYvuEQLgebT+49pQ/e4PQPjrGsj6BFsY+V9thP1yPtj8QWGc/AAAAP+18Wz+B
            FkY/e4PQPoEWRj89Cuc+7XzbPgsAAAABAAAA/////////////////////w0AAAAEAAAABgAAAAwAAAD///////////////8IAAAA
            AwAAAAkAAAD///////////////8FAAAADgAAAP//////////////////////////AAAAAAIAAAAHAAAACgAAAA8AAAD/////EAAA
            ACAAAAAJAAAABgAAAAsAAAAIAAAAAQAAAAMAAAAKAAAAAgAAAAAAAAASAAAA/////////////////////////////////////5qZ
            eT9X22E/PM0wQO182z6ghbE/+erlP/TVSz86xrI+AAAAPwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHAAAABQAAAP//////
            //////////////8GAAAA////////////////////////////////////////////////////////////////AwAAAAAAAAABAAAA
            /////////////////////wQAAAACAAAACAAAAP///////////////xAAAAAgAAAAEAAAAAUAAAADAAAADgAAAAoAAAAUAAAAAAAA
            ABAAAAARAAAACAAAAAEAAAAWAAAABwAAABIAAAALAAAABAAAAAIAAADsUatAUyK5QN0ibEBWeWBAIi5PQFYeukBcjzZABmQgQN8g
            tD8AAAA/MzPzPgAAAEAAAIA/MzPzPjMz8z7tfFs/AAAAAAMAAAAFAAAABAAAAP//////////DwAAAAsAAAD/////BwAAAAoAAAD/
            /////////w4AAAD/////AgAAAP///////////////wkAAAD/////DQAAAAYAAAD///////////////8BAAAACAAAAAwAAAD/////
            //////////8QAAAAIAAAAA8AAAAQAAAADQAAAA8AAAAFAAAAAwAAAAQAAAARAAAACwAAABYAAAAUAAAAEgAAABcAAAAJAAAAAAAA
            AAcAAAD/////AACAP90ibEC/CqU/+SB/QExz4j+UIUc/bZInQAAAAD/uU5o/OsayPjMz8z6kcBNA7XzbPjrGsj4zM/M+AAAAAAMA
            AAANAAAAAgAAAAkAAAD///////////////8OAAAA/////wYAAAAIAAAA//////////8FAAAADAAAAP//////////////////////
            /////////wcAAAAAAAAA////////////////BAAAAAEAAAAKAAAACwAAAP//////////EAAAACAAAAAQAAAADQAAAAUAAAAQAAAA
            DgAAAAMAAAAWAAAAAAAAABUAAAASAAAACQAAAAIAAAAIAAAACgAAABcAAAAHAAAAGAAAAAAAgD8WsVc/MzNzP78KpT+UIUc/oIUR
            QDMzcz+VQ+E/e4NQP+tRsD8AAIA/mpkZQD0K5z49Cuc+OsayPjMz8z4BAAAABgAAAAwAAAD///////////////8KAAAADgAAAP//
            ////////BQAAAP///////////////wkAAAADAAAA/////w8AAAD/////////////////////AgAAAAcAAAD//////////wQAAAAA
            AAAACAAAAAsAAAANAAAA/////xAAAAAgAAAADQAAAA0AAAAPAAAABQAAAA4AAAADAAAABAAAABEAAAAWAAAAFAAAAAgAAAABAAAA
            AgAAABcAAAD///////////////9cjzZAMzNzP+18Wz8AAIA//d0sQNqkQT/6Lrw+O9/2P4EWxj4zM/M+7XzbPoEWxj6BFsY+AAAA
            AAAAAAAAAAAAAgAAAP////8BAAAACAAAAP//////////CwAAAP//////////BgAAAAcAAAD//////////wUAAAD/////AwAAAP//
            /////////////woAAAD///////////////////////////////8EAAAAAAAAAAkAAAAMAAAA//////////8QAAAAIAAAAAsAAAAD
            AAAABQAAAA4AAAANAAAABAAAABgAAAACAAAAFgAAAAsAAAAIAAAABgAAAP//////////////////////////Dsi0QDcdV0BtkidA
            BmQgQAissz/YC5o/O9/2P7gebT97g9A+MzPzPjrGsj4AAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAD/////////////////////////
            /wYAAAD///////////////8HAAAA//////////8EAAAA/////wIAAAD/////BQAAAP//////////CgAAAAgAAAD/////////////
            ////////AAAAAAMAAAAJAAAA////////////////EAAAACAAAAAMAAAAAAAAAAcAAAACAAAADQAAABYAAAAVAAAADwAAABgAAAAL
            AAAACAAAAAwAAAAKAAAA/////////////////////5uccUDUePA/6kDjP6CFsT9V36E/AACAP3uDUD++IkE/7XzbPj6ylD8AAAA/
            vkFoPwAAAAAAAAAAAAAAAAAAAAAAAAAACwAAAAYAAAD///////////////8CAAAAAQAAAAoAAAD/////BAAAAP//////////////
            /////////////////wcAAAD///////////////8IAAAA/////wUAAAD///////////////8DAAAACQAAAP///////////////wgA
            AAAQAAAABgAAAAgAAAACAAAAAAAAAAMAAAAUAAAABAAAAP//////////rkcbQJhYIUCBFsY+eBOCQDMzcz86xjI/AAAAAAAAAAAC
            AAAA//////////8EAAAA//////////8BAAAA////////////////AwAAAAAAAAD/////BQAAAP//////////EAAAACAAAAAMAAAA
            CgAAABMAAAAIAAAAAgAAAAAAAAANAAAABQAAAAMAAAARAAAAFgAAABAAAAAOAAAA/////////////////////wAAgD8zM3M/qcIk
            QL4iwT86xjI/Ii5PQDzoTD/01Us/viJBP3uD0D6BFsY+OsayPgAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAYAAAD/////////////
            //8DAAAA//////////8IAAAACQAAAP////////////////////8LAAAAAQAAAP//////////////////////////CgAAAP//////
            /////////wcAAAACAAAABQAAAP///////////////wgAAAAQAAAABwAAABIAAAAAAAAAFgAAAA8AAAANAAAACQAAABcAAAD/////
            AACAPzMzG0C4Hu0/lUPhP6nCpD9/pqU/viJBPwAAAAABAAAA/////wMAAAD/////////////////////////////////////AgAA
            AAQAAAAAAAAABgAAAAUAAAD/////EAAAACAAAAAQAAAAGAAAABUAAAAPAAAACQAAAA4AAAANAAAAAAAAABIAAAADAAAAEQAAAAIA
            AAAHAAAAEAAAAAgAAAABAAAAFwAAAG4SUkC4Hu0/oIURQK5HrT/uU5o/51bVPzvftj9V36E/SjlEQD0K5z76Ljw/AAAAPzvftj89
            Cuc+e4PQPnuD0D4GAAAA/////wIAAAD///////////////8KAAAACwAAAP////8JAAAA/////////////////////wMAAAAEAAAA
            /////wAAAAD/////DgAAAP//////////DAAAAAEAAAD//////////wgAAAAFAAAABwAAAA0AAAAPAAAA/////xAAAAAgAAAACQAA
            AA4AAAANAAAAAwAAAAUAAAALAAAAAAAAABYAAAAVAAAACAAAAP////////////////////////////////////+kcBNAzcy8Pxqb
            pT8zM3M/7XxbPzQAVj80AFY/viJBPzrGsj4AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAAAAUAAAD/////////////////
            /////////////////////////wYAAAD/////////////////////AAAAAP//////////////////////////BAAAAP////8HAAAA
            //////////8CAAAAAQAAAAgAAAD///////////////8QAAAAIAAAAAsAAAAIAAAADwAAAAkAAAAWAAAABQAAAAMAAAARAAAAAAAA
            ABIAAAACAAAABwAAAP//////////////////////////AAAAPzMz8z4AAIA/bhJSQDuwqj9rJ6I/2AuaPw5Ykj++IkE/OsayPgAA
            AD8AAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAHAAAAAQAAAP///////////////wkAAAAKAAAA/////wYAAAADAAAA////////////
            ////AgAAAP//////////////////////////////////////////////////////////BQAAAAAAAAAIAAAA////////////////
            BAAAAAgAAAABAAAACAAAAP///////////////wAAAD8AAAAAAAAAAAAAAAD///////////////8AAAAA////////////////////
            /wAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAABoAAAAAAAAAPwBEQCt9AD84d5RAeqE6QbQRAT9DvtJAJHSCP+5T
            Aj8zU8NAnQ4CP17/QUAWYSNAl4WCP156EkH8OcNAiveBP3/YgD9UJ0RABzSDQG7fgz8C7AE/AAAAAJrdZEAoGgI/YNOCPwAAAABl
            j4Q/eqE6QRoAAAAAAAAAAxdiQCQPAD/OYyFA0ww5QVfJgD8AAAAASroAQAAAAABZuEBAAAAAAGBHoUD1WoA/j66AP1w+8kCKdiFA
            AAAAAOoggT8M9QBAAAAAAAAAAABabQE/AAAAABtHAT8AAAAAAAAAAAAAAABUyYE/0ww5QRoAAAAAAAAAzcCAQAAAAADAXSFA29MA
            QUmTIUAAAAAAAAAAAGXFAD8g9ghBAAAAANNxgD8AAAAAryAhQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEMCwT+whaBAAAAAAAAA
            AAAAAAAAAAAAAAAAAACqfIE/IPYIQRoAAAAAAAAAnDwAPyQPAD/9gABAf4kYQfOmgD8AAAAAAAAAAAAAAABKHoA/AAAAAPVagD8k
            agA/AAAAAAPNAD8AAAAAAAAAAHItAD9lxQA/AAAAAAAAAAAAAAAAAAAAAAc1AD/1WgA/AAAAAAAAAAADzYA/f4kYQQ==
            """,
        table: """
            VFRTVwEAAAAIAAAAEQAAAAIAAAAoAAAAJwAAAAAAAAACAAAAdTECAAAAdTACAAAAdTICAAAAdTMCAAAAdTQCAAAAdTUCAAAAdTYC
            AAAAdTcCAAAAdTgCAAAAdTkDAAAAdTEwAwAAAHUxMQMAAAB1MTIDAAAAdTEzAwAAAHUxNAMAAAB1MTUDAAAAdTE2AwAAAHUxNwMA
            AAB1MTgDAAAAdTE5AwAAAHUyMAMAAAB1MjEDAAAAdTIyAwAAAHUyMwMAAAB1MjQDAAAAdTI1AwAAAHUyNgMAAAB1MjcDAAAAdTI4
            AwAAAHUyOQMAAAB1MzADAAAAdTMxAwAAAHUzMgMAAAB1MzMDAAAAdTM0AwAAAHUzNQMAAAB1MzYDAAAAdTM3AwAAAHUzOAEAAAAA
            AAAAAAAAAAMAAAAAAAAAAQAAAAAAAAACAAAAAwAAAAAAAAADAAAABAAAAAUAAAATAAAAAAAAAAkAAAAGAAAABwAAABMAAAAUAAAA
            DAAAAAEAAAAIAAAAEAAAABYAAAAAAAAAFwAAAAoAAAALAAAABAAAAAMAAAACAAAAEQAAAA0AAAABAAAAAAAAAA0AAAABAAAAAAAA
            AA4AAAALAAAAAAAAAA8AAAAFAAAACgAAAAQAAAARAAAAEAAAABYAAAAUAAAADQAAAA4AAAADAAAAAQAAAAAAAAANAAAABgAAAAAA
            AAAKAAAAEQAAAAMAAAAFAAAADQAAABQAAAABAAAAAAAAABAAAAACAAAAAAAAAAAAAAABAAAACgAAAAAAAAAVAAAADwAAAAkAAAAX
            AAAADQAAAA4AAAASAAAABwAAAAAAAAAWAAAAAgAAAAAAAAAOAAAAEQAAAAEAAAAAAAAADAAAAAQAAAAAAAAADwAAAAIAAAAIAAAA
            CgAAAAcAAAAAAAAACwAAABcAAAAFAAAADgAAABEAAAADAAAADQAAAAQAAAAAAAAADQAAAAAAAAAJAAAAFQAAAAIAAAAAAAAABQAA
            AA4AAAACAAAAAAAAAAUAAAANAAAABAAAAAAAAAAFAAAADQAAAAAAAAADAAAACwAAAAAAAAAPAAAACAAAAAkAAAAYAAAAFgAAAAUA
            AAADAAAAEQAAAAAAAAASAAAAAgAAAAEAAAAAAAAAAwAAAAMAAAAAAAAAAQAAAA0AAAAIAAAAAgAAAAAAAAADAAAAAQAAAAIAAAAA
            AAAACAAAABkAAAACAAAAAAAAAAsAAAADAAAAAgAAAAAAAAABAAAADQAAAAMAAAAAAAAABwAAABYAAAAYAAAAAgAAAAAAAAAPAAAA
            FgAAAAEAAAAAAAAADQAAAAQAAAAAAAAAAwAAAA0AAAAQAAAAFgAAAAIAAAAAAAAAFgAAAAMAAAAFAAAAAAAAAAQAAAADAAAAAgAA
            AAgAAAATAAAAAQAAAAAAAAAZAAAABAAAAAAAAAAAAAAABwAAAA0AAAASAAAAAgAAAAAAAAAFAAAADQAAAAEAAAAAAAAAAAAAAAMA
            AAAAAAAAAwAAAAwAAAAKAAAADAAAAAAAAAAEAAAAEQAAAAwAAAALAAAAEgAAAA0AAAAIAAAABgAAAAMAAAACAAAAAAAAAAoAAAA4
            AQAAAAAAADV1bL71RlU+BnGHvfl9b70AAAAAAAAAAAAAAAAAAAAAhe53vuUNez4mBom98BKCvQAAAAAAAAAAAAAAAAAAAACYu1u+
            jxdRPp8Ja70yG4C9AAAAAAAAAAAAAAAAAAAAAGisXkC16ZU/4ILkv/7bmT5V/NC8WjydPCBVtDzteaE8Qz2aPZlcmr1iEz69PSyn
            PdhvV7wAAAAAuwRrvIFhUrpmaGG+zQlyPvwYu70/YLO9AAAAAAAAAAAAAAAAAAAAAOlxWb5sJCPAKawlP6AmDT8mzZu9b/iyPeO9
            Br1P06W9XRzQPbs/3L3T2MW8mqrbPaSws7sAAAAAaXSJvLaMBDsqbay+bNC7v6aHMj9UZvM+LqotvN4SDr0Y8EO8NMiavOflDz41
            gTi+vLGSOsB1uD2uRWG8AAAAAGDImbyA8bK64HjaPtGbxb4ZQoc9kT9wPsGCnLzBnzk8VF7svJYC2rovdxhAyFCev8jYND4irIU/
            9grTveDJFD3PJeK8lXyAvSizoz55SFK/4I7kPawbdz5sd+G8GD6ZvKUX3bz8KJq8kwVgPhityr1+nGK95YTdPXtIfbwAAAAAK12W
            vKe0S7w6Jcc/iCpsvoHrRL40Gc4+5SakvHJsdL01ufO8AQMKvHYWt76ft5y/+BrQPnLiE7xKM+S8V3EzvLrXEr2U1Zu8EexiP3is
            b7+vDDI+TdEOP2CkyLxAXD+7xQ3zvMQ1STsGEN67j8Ywv517kj5EUH4+Qg+5u/UBbrztqJy83D7kOjTr5zwNlSS/YJmUPizmnz4A
            gT86jbZBvN7OdLyUNoM7mVDmPo6iLj5r97Q+QqETP6I6njx5sGa9L/WQvC89xjr5HYY/fASRP9xZcb5gv5q+2Umwva5jD71ygQS9
            bmEovcRBvL6eN9M+xVjGvZiKKb62h4g6AAAAADCKqjsKI1669kQRP7zd671HoB6+st9NPhbCDbwPqAG90OGZvPmijzrjF+K+hvxJ
            P3O+gL6XQ7q+Mjbtu48a3bqY8bA7JW5Fu+UECz6Wzpo+hpckvjMqtztpRBm7AAAAAF1fDLzwScw5DIMRv/rwpT/D7tO+pewPv87k
            gLsz5CC8nqnOPHO1ybsgoiA969f4vsL/tT3bhow+aKr8u4+uVbzOGXO8dQeDOnSWGj+u1bW+86YsvADsST7gmq68VZNBvQg+Vbwx
            p6m7Su7pOj2wbb5VBEg+3K8XPvkOH7we+ry7jWXyuyaKdrt7b4Q+ekjcv98QiT6KLo8/pgCIPBHCpr2WjVc83g0+PMDRHj+EpGG+
            zc9+vgjdkz4omzS8FP5cOv56BLsg0oG7PpSOux+5bj92XbK+QFyyvgwqBTzqrMq8khiePHWXv7neSzpAtxEyP1UJg7/djbs9mK/H
            uq9mNr328Ge8TEpyvC45OL6DZti88KVhPZuePz3N1Z28AAAAACGn7ruqGLW721M3Pa8tY7/a6QE/rqEeP66FUbyGy9G8DgAsvMS+
            vLtmgxC/buPJvt8otz4p+vY9dMU/unuIm7smEbK7M5j+OlyTLT6zjQg/jpyPPc0IAj5sHw27D5a2vOYr1LuHBIu6vsgCvdpHaz/R
            Hsu+e1eovpc/U7tWicy8+3m6O06A27vAbIE/wSLSPiFFFr8f2sQ+RfpkPLKonb0fek286at8PJcCAAAAAAAAAQAAAAEAAAABAAAA
            AAAAAAYAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAvRRwowBAAADAAAAAwAAAAEAAAAAAAAACAAA
            AAwAAAABAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAu9FHCjAEAAAMAAAADAAAAAQAAAAAAAAALAAAADAAAAAMA
            AAAEAAAABQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJ70UcKMAQAAfwAAAAcAAAABAAAAAAAAAAsAAAADAAAAAwAAAAQAAAAD
            AAAAAwAAAAIAAAARAAAADQAAAAMAAAAAAAAA1gtSwowBAAACAAAAAgAAAAEAAAAAAAAADQAAAAwAAAANAAAADQAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAEAAADA9lHCjAEAAAEAAAABAAAAAQAAAAAAAAACAAAADAAAAA4AAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAQAAAKD3UcKMAQAAKwAAAAMAAAABAAAAAAAAAA0AAAAMAAAADgAAAAMAAAADAAAADQAAAA0AAAAUAAAADQAAAA0A
            AAAAAAAAyAFSwowBAAABAAAAAQAAAAEAAAAAAAAADQAAAAEAAAANAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACq
            +FHCjAEAABIAAAACAAAAAQAAAAAAAAANAAAAAQAAAA0AAAAUAAAAAwAAABEAAAANAAAAAwAAAAUAAAANAAAAAAAAAA3+UcKMAQAA
            AQAAAAEAAAABAAAAAAAAAA0AAAADAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAb/pRwowBAAACAAAAAgAA
            AAEAAAAAAAAACAAAAAwAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAA8+1HCjAEAABEAAAABAAAAAQAAAAAA
            AAAGAAAADAAAABYAAAASAAAADQAAAA4AAAASAAAABwAAAAAAAAAWAAAAAAAAAAMEUsKMAQAAAwAAAAMAAAABAAAAAAAAAA0AAAAM
            AAAADgAAABEAAAARAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAP1RwowBAAABAAAAAQAAAAEAAAAAAAAAAwAAAAMAAAAMAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACw/VHCjAEAAAQAAAAEAAAAAQAAAAAAAAANAAAAAwAAAA8AAAACAAAACAAA
            AAoAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAPb/UcKMAQAAEAAAAAAAAAABAAAAAAAAAA0AAAADAAAADgAAAA4AAAARAAAADQAAAA0A
            AAARAAAAAwAAAA0AAAAAAAAAqwdSwowBAAAEAAAABAAAAAEAAAAAAAAABgAAAAEAAAANAAAAAAAAAAkAAAAVAAAAAAAAAAAAAAAA
            AAAAAAAAAAEAAAB0AFLCjAEAAAIAAAACAAAAAQAAAAAAAAALAAAADAAAAAUAAAAOAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AQAAAKYAUsKMAQAAAgAAAAIAAAABAAAAAAAAAAMAAAADAAAABQAAAA0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAFQFS
            wowBAAAKAAAAAgAAAAEAAAAAAAAABgAAAAwAAAAAAAAAAwAAAAAAAAANAAAADQAAAA0AAAANAAAAAAAAAAAAAAAeA1LCjAEAAA4A
            AAAGAAAAAQAAAAAAAAAGAAAADAAAAAMAAAARAAAAAAAAABIAAAASAAAAAgAAABYAAAAFAAAAAAAAAAoHUsKMAQAAAQAAAAEAAAAB
            AAAAAAAAAAsAAAABAAAAAwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAA6wJSwowBAAADAAAAAwAAAAEAAAAAAAAA
            DQAAAAEAAAABAAAADQAAAAgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAKBFLCjAEAAAIAAAACAAAAAQAAAAAAAAALAAAADAAA
            AAMAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAFIEUsKMAQAAAgAAAAIAAAABAAAAAAAAAAsAAAADAAAACAAAABkA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkwVSwowBAAAFAAAABQAAAAEAAAAAAAAACwAAAAEAAAADAAAAAwAAAAsAAAAD
            AAAAAwAAAAAAAAAAAAAAAAAAAAEAAADPBlLCjAEAAAIAAAACAAAAAQAAAAAAAAALAAAADAAAAAEAAAANAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAQAAAKIGUsKMAQAABAAAAAQAAAABAAAAAAAAAAIAAAADAAAAGAAAAAcAAAAWAAAAGAAAAAAAAAAAAAAAAAAA
            AAAAAAABAAAA0QdSwowBAAACAAAAAgAAAAEAAAAAAAAABgAAAAMAAAAPAAAAFgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEA
            AABKCFLCjAEAAAUAAAAFAAAAAQAAAAAAAAANAAAAAQAAAA0AAAANAAAADQAAAA0AAAANAAAAAAAAAAAAAAAAAAAAAQAAABYKUsKM
            AQAABQAAAAUAAAABAAAAAAAAAAYAAAAMAAAAEAAAAAMAAAANAAAAEAAAABYAAAAAAAAAAAAAAAAAAAABAAAAWQpSwowBAAAEAAAA
            BAAAAAEAAAAAAAAACAAAAAMAAAADAAAAFgAAAAMAAAADAAAAAAAAAAAAAAAAAAAAAAAAAAEAAADNClLCjAEAAAsAAAADAAAAAQAA
            AAAAAAALAAAAAwAAAAIAAAAIAAAAEwAAAAIAAAADAAAAAwAAAAMAAAADAAAAAAAAAAMMUsKMAQAAAQAAAAEAAAABAAAAAAAAAAYA
            AAADAAAAGQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAA7gtSwowBAAAEAAAABAAAAAEAAAAAAAAACwAAAAwAAAAA
            AAAABwAAAA0AAAASAAAAAAAAAAAAAAAAAAAAAAAAAAEAAABLDFLCjAEAAAIAAAACAAAAAQAAAAAAAAANAAAAAQAAAAUAAAANAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAFwMUsKMAQAAAgAAAAIAAAABAAAAAAAAAAYAAAABAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAABAAAAmwxSwowBAAADAAAAAwAAAAEAAAAAAAAACwAAAAMAAAADAAAADAAAAAoAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAEAAACpDFLCjAEAABsAAAADAAAAAQAAAAEAAAALAAAAAwAAAAIAAAAAAAAACgAAAAoAAAANAAAACAAAAAYAAAAD
            AAAAAAAAABkPUsKMAQAAAAAAAAAAAAABAAAAAAAAAAMAAAB1MzgmAAAACgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPXhrD9ikfW/
            uKwJPQrvLEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAFgnacCQAas/BEMNQE0/2j8LAAAAAwAAAAAAAAAAAAAA
            """,
        probeItems: ["i5", "i21", "i5", "unknown-item"],
        topBefore: [
            (
                "u38",
                [
                    ("i16", 0xbf54_d17a), ("i17", 0xbfa7_59c2), ("i19", 0xbfb2_009b), ("i10", 0xc007_cb8e),
                    ("i25", 0xc029_d225),
                ]
            ),
            (
                "u3",
                [
                    ("i9", 0xc0bb_18b8), ("i28", 0xc0c7_bfa1), ("i1", 0xc0db_49c2), ("i12", 0xc0f9_1fe9),
                    ("i2", 0xc0fa_77d8),
                ]
            ),
            (
                "nobody",
                [
                    ("i4", 0x3f8c_dfdd), ("i18", 0x3d0e_005a), ("i3", 0xbf1d_6b1c), ("i5", 0xbf6b_733b),
                    ("i13", 0xbfb7_8bd4),
                ]
            ),
        ],
        scoresBefore: [0x3ffe_6cf3, 0xc000_5ca6, 0x3ffe_6cf3, nil],
        events: [
            InteractionEvent(
                user: "u38", item: "i22", kind: "click", value: nil, timestamp: 1_704_067_206_944,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Fantasy"]]),
            InteractionEvent(
                user: "u38", item: "i28", kind: "view", value: nil, timestamp: 1_704_067_206_947,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary"]]),
            InteractionEvent(
                user: "u38", item: "i19", kind: "view", value: nil, timestamp: 1_704_067_206_958,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "view", value: nil, timestamp: 1_704_067_206_985,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i1", kind: "view", value: nil, timestamp: 1_704_067_206_989,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "view", value: nil, timestamp: 1_704_067_206_991,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "rating", value: 4.0, timestamp: 1_704_067_207_002,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i19", kind: "view", value: nil, timestamp: 1_704_067_207_034,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "view", value: nil, timestamp: 1_704_067_207_096,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i29", kind: "view", value: nil, timestamp: 1_704_067_207_126,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 4.0, timestamp: 1_704_067_207_131,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i21", kind: "click", value: nil, timestamp: 1_704_067_207_205,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Romance", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i23", kind: "click", value: nil, timestamp: 1_704_067_207_206,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Crime"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "view", value: nil, timestamp: 1_704_067_207_217,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "click", value: nil, timestamp: 1_704_067_207_222,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "click", value: nil, timestamp: 1_704_067_207_259,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "view", value: nil, timestamp: 1_704_067_207_269,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i18", kind: "view", value: nil, timestamp: 1_704_067_207_301,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary"]]),
            InteractionEvent(
                user: "u39", item: "i4", kind: "view", value: nil, timestamp: 1_704_067_207_316,
                userFeatures: ["age": ["56+"], "device": ["ios"], "occupation": ["retired"], "region": ["mountain"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i25", kind: "view", value: nil, timestamp: 1_704_067_207_328,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Adventure"]]),
            InteractionEvent(
                user: "u38", item: "i22", kind: "view", value: nil, timestamp: 1_704_067_207_331,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Fantasy"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "view", value: nil, timestamp: 1_704_067_207_396,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i17", kind: "view", value: nil, timestamp: 1_704_067_207_407,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i29", kind: "rating", value: 4.0, timestamp: 1_704_067_207_421,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "click", value: nil, timestamp: 1_704_067_207_432,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "click", value: nil, timestamp: 1_704_067_207_483,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "view", value: nil, timestamp: 1_704_067_207_498,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 2.0, timestamp: 1_704_067_207_503,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "view", value: nil, timestamp: 1_704_067_207_517,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "view", value: nil, timestamp: 1_704_067_207_522,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "rating", value: 4.0, timestamp: 1_704_067_207_537,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "view", value: nil, timestamp: 1_704_067_207_575,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i15", kind: "view", value: nil, timestamp: 1_704_067_207_591,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War"]]),
            InteractionEvent(
                user: "u38", item: "i19", kind: "rating", value: 5.0, timestamp: 1_704_067_207_597,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "view", value: nil, timestamp: 1_704_067_207_600,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "view", value: nil, timestamp: 1_704_067_207_699,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "view", value: nil, timestamp: 1_704_067_207_710,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "view", value: nil, timestamp: 1_704_067_207_762,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i15", kind: "view", value: nil, timestamp: 1_704_067_207_767,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "view", value: nil, timestamp: 1_704_067_207_795,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i25", kind: "view", value: nil, timestamp: 1_704_067_207_803,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Adventure"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "rating", value: 5.0, timestamp: 1_704_067_207_805,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i29", kind: "click", value: nil, timestamp: 1_704_067_207_814,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i5", kind: "view", value: nil, timestamp: 1_704_067_207_825,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Comedy"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "click", value: nil, timestamp: 1_704_067_207_830,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "rating", value: 5.0, timestamp: 1_704_067_207_831,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i11", kind: "view", value: nil, timestamp: 1_704_067_207_844,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i27", kind: "rating", value: 4.0, timestamp: 1_704_067_207_858,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "view", value: nil, timestamp: 1_704_067_207_866,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i27", kind: "purchase", value: nil, timestamp: 1_704_067_207_889,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "click", value: nil, timestamp: 1_704_067_207_905,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "view", value: nil, timestamp: 1_704_067_207_939,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i28", kind: "view", value: nil, timestamp: 1_704_067_207_946,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "view", value: nil, timestamp: 1_704_067_207_947,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "view", value: nil, timestamp: 1_704_067_207_955,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "click", value: nil, timestamp: 1_704_067_207_963,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "rating", value: 4.0, timestamp: 1_704_067_207_993,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "view", value: nil, timestamp: 1_704_067_207_998,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i8", kind: "rating", value: 2.0, timestamp: 1_704_067_208_004,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Crime"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "view", value: nil, timestamp: 1_704_067_208_005,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
        ],
        ranks: [
            0, 6, 4, 0, 7, 0, 0, 0, 0, nil, nil, 4, 8, 0, 0, 0, 0, 0, 0, 2, 1, 0, 1, 2, 0, 0, nil, 0, 0, 0, 0, 0, 1,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, nil, 0,
        ],
        predictions: [],
        served: [
            nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
            nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
            nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
        ],
        topAfter: [
            (
                "u38",
                [
                    ("i14", 0xc0b4_ee8a), ("i16", 0xc0c6_fb46), ("i6", 0xc0ca_b82d), ("i10", 0xc0db_02cf),
                    ("i26", 0xc0e3_00f7),
                ]
            ),
            (
                "u3",
                [
                    ("i0", 0xc078_5ead), ("i24", 0xc086_61e6), ("i28", 0xc0a1_ad6c), ("i29", 0xc0a6_f368),
                    ("i8", 0xc0bd_a976),
                ]
            ),
            (
                "nobody",
                [
                    ("i4", 0x3f9c_65f1), ("i18", 0xbc10_33b8), ("i3", 0xbeed_e221), ("i5", 0xbf6b_623f),
                    ("i13", 0xbfa1_1d7a),
                ]
            ),
        ],
        metaUpdates: 8)

    static let candidates = LegacyFormatFixture(
        model: """
            TVRTVwQAAAA0BwAAAAAAAHsiZGV0ZXJtaW5pc3RpYyI6ZmFsc2UsImZlYXR1cmVzIjp7ImJ1Y2tldHMiOjE2LCJpdGVtX2ZlYXR1
            cmVzIjpmYWxzZSwibWF4X3Blcl9lbnRpdHkiOjIsInVzZXJfZmVhdHVyZXMiOnRydWV9LCJraW5kX3dlaWdodHMiOnsiY2FydCI6
            MS41LCJjbGljayI6MSwiZmF2b3JpdGUiOjEuNSwicHVyY2hhc2UiOjIsInJhdGluZyI6MSwidmlldyI6MC41fSwibWV0YSI6eyJh
            bGdvcml0aG0iOiJmb21hbWwiLCJlbmFibGVkIjp0cnVlLCJob2xkb3V0X3NoYXJlIjowLCJpbm5lcl9zdGVwX3NpemVzIjp0cnVl
            LCJpbnRlcnZhbCI6NTAsImxlYXJuaW5nX3JhdGUiOjAuMDUsInN0ZXBfc2l6ZV9sZWFybmluZ19yYXRlIjowLjAxLCJ2ZWN0b3Jf
            bGVhcm5pbmdfcmF0ZSI6MC4wMX0sIm9iamVjdGl2ZSI6InJhbmtpbmciLCJyYW5raW5nIjp7ImJpYXNfbGVhcm5pbmdfcmF0ZSI6
            MC4wMSwiYmxlbmRfbGVhcm5pbmdfcmF0ZSI6MC4wMDUsImNhbmRpZGF0ZV9uZWlnaGJvcnMiOjgsImNhbmRpZGF0ZV9wb29sIjo2
            LCJjb2xkX2V2ZW50cyI6NSwiY29sZF9mZWF0dXJlX3ByaW9yIjoxMCwiY29sZF9mZWF0dXJlcyI6ZmFsc2UsImNvbGRfcG9wdWxh
            cml0eV9oYWxmX2xpZmUiOjMwMCwiY29udGV4dF9kZWNheSI6MC44LCJjb29jY3VycmVuY2VfZGVjYXkiOjAuOTUsImNvb2NjdXJy
            ZW5jZV9oYWxmX2xpZmUiOjAsImNvb2NjdXJyZW5jZV93aW5kb3ciOjgsImZhY3RvcnMiOjQsImhlYWRfbGVhcm5pbmdfcmF0ZSI6
            MC40LCJpbml0aWFsX2JsZW5kIjpbMSwxLDEsMV0sImluaXRpYWxfc2NhbGUiOjAuMSwiaW5uZXJfc3RlcHMiOjIsIml0ZW1fb2Zm
            c2V0X2xlYXJuaW5nX3JhdGUiOjAuMDEsImxlYXJuaW5nX3JhdGUiOjAuMDUsImxvZ19jb21wb25lbnRzIjp0cnVlLCJsb2dfZmxv
            b3IiOjAuMDAxLCJsb2dfbmVpZ2hib3JzIjpmYWxzZSwibWF4X25laWdoYm9ycyI6MTYsIm1ldGFfbG9zcyI6ImhlYWRfc29mdG1h
            eCIsIm5lZ2F0aXZlcyI6NCwibmVpZ2hib3JfYWxwaGEiOjAuNSwibmVpZ2hib3JfYmV0YSI6MC41LCJuZWlnaGJvcl9jb250ZXh0
            Ijo2LCJwb3B1bGFyaXR5X2hhbGZfbGlmZSI6MTAwMCwicmVndWxhcml6YXRpb24iOjAuMDAyLCJyZXRyaWV2YWwiOiJjYW5kaWRh
            dGVzIiwicmV2ZXJzZV93ZWlnaHQiOjEsInNlc3Npb25fY29udGV4dF93ZWlnaHQiOjIsInNlc3Npb25fZGVjYXkiOjEsInNlc3Np
            b25fZ2FwIjo2MCwic2Vzc2lvbnMiOnRydWUsInN0YWdlX2VkZ2VzIjpbMjAsNTAsMTAwXSwic3RhZ2VfaGFsZl9saXZlcyI6WzIw
            MDAsMzAwMCwzMDAwLDMwMDBdLCJzdGFnZV9wb3B1bGFyaXR5Ijp0cnVlLCJ0b3BfbmVnYXRpdmVzIjoxMCwidXNlcl9pbml0X25v
            aXNlIjowLjAxLCJ1c2VyX2xlYXJuaW5nX3JhdGUiOjAuMDUsIndpbmRvdyI6OH0sInJhdGluZyI6eyJiaWFzX2xlYXJuaW5nX3Jh
            dGVfc2NhbGUiOjMsImJpYXNfc2NhbGVfbGVhcm5pbmdfcmF0ZSI6MywiYmlhc19zY2FsZV9yZWd1bGFyaXphdGlvbiI6MC4wMSwi
            ZmFjdG9ycyI6OCwiaW5pdGlhbF9zY2FsZSI6MC4wMSwiaW5uZXJfc3RlcHMiOjEsIml0ZW1fZGVjYXlfY291bnQiOjMsIml0ZW1f
            ZGVjYXlfcG93ZXIiOjAuNzUsImxlYXJuaW5nX3JhdGUiOjAuMDgsIm1heGltdW0iOjUsIm1pbmltdW0iOjEsInJlZ3VsYXJpemF0
            aW9uIjowLjAwMSwic2hyaW5rYWdlIjowLCJ1c2VyX2RlY2F5X2NvdW50IjoxMCwidXNlcl9kZWNheV9mbG9vciI6MC40NSwidXNl
            cl9kZWNheV9wb3dlciI6MSwidXNlcl9mYWN0b3JfbGVhcm5pbmdfcmF0ZSI6MC4yLCJ1c2VyX2ZlYXR1cmVzIjpmYWxzZSwidXNl
            cl9sZWFybmluZ19yYXRlIjowLjE1LCJ3aW5kb3ciOjF9LCJzZWVkIjo0Miwic2Vlbl9saW1pdCI6NjR98mmyBrOTHG5oAQAAAAAA
            AAcAAAAAAAAABwAAAAAAAAAaAAAAAAAAABoAAAAAAAAAAgAAAGk1AwAAAGkxNgMAAABpMTMCAAAAaTQDAAAAaTIxAgAAAGkxAwAA
            AGkyMgMAAABpMTQCAAAAaTMCAAAAaTYDAAAAaTExAwAAAGkyNwIAAABpNwMAAABpMTgDAAAAaTI4AwAAAGkyMwMAAABpMTADAAAA
            aTE1AgAAAGk5AwAAAGkyNQMAAABpMTkDAAAAaTIwAwAAAGkxNwMAAABpMjYCAAAAaTIDAAAAaTEyTAAAAAAAAACxuC0/AACAP15K
            Mz+nLko/5R1FPwNVWj+UyTY/HbFOP8s5Xz9Q2lY/+wpgP0TNSj8Rpzk/e6mDP5bdVD+5ZUc/IzJlP0Gmdj8TfV0/olhHP4LtTj8l
            Mns/wn6mP8sbWT/+GzU/cFKLPzuYpj+IyVk/WKp+P/feiD+MeaM/NAObP5f0dT/jEVQ/owZ+P5Sklz/imUi+60JUPiqFVb24wUe9
            OsWowNGLqcBTIKjAK2WowNrjqMBnrajAh9uowMd6qMC3VKjAtampwPVPqMAVyajAhnGowMpoqcAe16fAuQCqwKVzqMBqOqjAt6ao
            wFpGqMAwl6nAbFqowFK+qMAKCKjA5+qnwJH4p8Bgv6fA0WyowEz4p8DeMKjAig6owMxKqMAsLarAI62owASGqcANYqjATAAAAAAA
            AADGJmq+AAAAAO04kb4stVO9G9GhvINzV74iMg+96+7nu0DAmryaAOq8UQWGvOIr1rvukYC8g0JhvFCdYDyuee67T1S1u9Q3XLwO
            qB277QRKvB2huLzJx6W8lPn3PFTPs7wKcsm7ZjCLucPdIDvOwuG7HVYfOQZO2TnOmow68CGeOcSE8rnMTWW7/kTzOa4JyDoAAAAA
            AAAAAAAAAAAAAAAA4FRkOAAAAAD9Ahw61ILAN1cpajj+3Ag6zBWeOJ3FHDipF4o4Sz86OXoeDTnqOha2lsjpOKkBMjmO1Kc4PRED
            N0ACwjiTDdc4uQ8BOMsjdTigwso40GYwORxN4zg5XgU4g56KNvnWMjf/pl42PN8FN13VIDUEzpM0RoGINCQoRjR62Te2hjbaNmZB
            Jjaw/pw0TAAAAAAAAACDCe46AAAAAIDMiDtmGUE5/S/EOAojvDqe9uY4+uOaN/UTIThAqt03Fa8AOC62Nja62qE3kYUEONF+GDgP
            ipI2sydwN8fxKDciiRQ3Y70zNxwlEDg41eU3nJU3OLBUsDfUxzw2zoIZNv223zTTUKo2PacHNA8R8TP+n8EzTjjOMuicCTUYZik1
            SeWaNdr06zMAAAAAAAAAAAAAAAAAAAAASxoNMgAAAABBC+IyJ72ULviLCTCQTWMyZqXsLwHpMy9OlBgws5qJMTzOoDBn14EszgN+
            MLC9UTHyRg8w0N99LX4qSDBIaxcweneWLkobny+Gs1IwsrOqMKbVYzA2E4EuD1MDLNzOgS1Z+W0rm31OLer7GinwL0QoKvEHKJPQ
            qyc5ZdYqHoXgLESsjiyCdJcnQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAoDofO5rkIbuF/a86rCFdO5DVOToYmiM4vPsDupkPErnM
            tV481JQbvKbAzjiRlJQ7AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAC76Q48kNChOUTnLDpzt4U7AAAAAAAAAAAAAAAA
            AAAAAD3hBTuyhUm6RPrIuHy3vjkAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMiFKTvQTRG7wPwZuhhRoTrhhxg8VzAa
            vFqj8zra2rM7d/UTPNHtXbw+TBg7eg26OwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAaAAAAAAA
            AAAs9S69A9mVP9jdOz5TBHc+LMsqv/aQzj4SYV29g26ivuS69z/WHBw/9QcSv1+VNj4pkQy/2/weQEdJhr/A7aK/fHmPQJP/07+B
            gCK/VFKXP5xSH8DuuDi/xaubPwk5477X5Ac/OtrAPqSilb5rE0k9AedBvmtZj76XNHw+KylyvX42ij/+0Nc/EYd6v/KorL5yqcW9
            ApZDPj9rsD3WvAa99cURPzLoqj8TxU6/48WtvhsVeT5QFg8/x5SMvqlHqr2zkik/LWYpPwHn/r7v90m9OnU2v6x+JMD+FE4/fOGn
            P8xeuL8Msri/ZGYjP2GmOL67CqW/woD8vYReMj+MjUW+N7OhPfytNT46goi+Hy0Lvgef+b4fBoO/WgKqPv2fO70FM8A+T2DZvjhv
            +j0r34g+aqoDvkAmST5H9uo9qP0nvtBMrr7HoVG+0ahkvSy0or38JWm/AN8hvvZdmj4EGQC+mPTDPq/hir5l/Ac+Lky9Ptge6z6B
            g449HSWYPew7rLyi+Ge/3g8Sv5RSGT8HRMK9PBMxvhR+RjxYrEu91KcAPRoAAAAAAAAAvu1svWBE0D7Nsjo/E/B4QG3nBcH+GUW/
            HoNqPlk9lz4xbhc/L1MUPlsAkr0FsR8/21g0P8q4gj+LaF2/RSXVPYkzij5oSQk9X1VgPx+J1L4e8o2+gd06vxVLLD/hn58+HLDm
            PtDSTD4aAAAAAAAAAAAAkEEAAKBAAABgQQAASkIAABhBAABQQQAAYEAAAEBAAADAQQAAQEAAAEBBAADAQAAAwEAAAA5CAAA4QQAA
            QEAAAKBAAADQQAAAsEAAACBAAADAQAAAIEAAAPBAAAAAQAAAYEAAAIA/GgAAAAAAAAB6R6VBKp2vQLHkhEFEAGZCnpguQfz7YkGu
            XnVA8qJXQKKL2UEDV1FAvUxZQR6h3UBWsdtALKAgQsSVS0EQPVVA7jaxQLCQ6kAOOtFAAlI8QCii00B1NC5AcOcLQVUtFECdLYNA
            hCmbPxoAAAAAAAAAVnIAQae8eEDMzi9ASj8/QYY0p0BENuZATmMCP94WEUDKZsZAaC8wQCQJGUC8aRlA0eTsPwooq0FXfVBAH9MP
            QF7/M0A5JIo/6KHpPwAAAAAAAAAA1TYuQO6/Y0DWtpM/cIM9QMSEnT8aAAAAAAAAAPXraj7sBdE+pTKEPuCwDj6zAZ4+d9aIPu9b
            8T4AAAA/zcxMPgAAAD/VAI4+j4TBPo+EwT5ifik+w9CQPgAAAD/sBdE+uvS6PqvSyD531gg/j4TBPnfWCD9Tna8+Os0TP+9b8T7z
            BDU/GgAAAAAAAAD162o+7AXRPqUyhD7gsA4+swGePnfWiD7vW/E+AAAAP83MTD4AAAA/1QCOPo+EwT6PhME+Yn4pPsPQkD4AAAA/
            7AXRPrr0uj6r0sg+d9YIP4+EwT531gg/U52vPjrNEz/vW/E+8wQ1PxoAAAAAAAAA4aLhPBFEyjwHJtY7l6ybvvKQjDwIL+i7K4pF
            uuE+lzx0X408A9bUO3cwADzx3qg8DJWiPEK9hD0iCSM8xsu7PNT4izyC+Wi8+fLMOzzAgrpKhFW7xxiivFy0uDyckxY8LuGrPE5v
            IzwaAAAAAAAAAMMrBr0IB6M5Zts+Pe4foLlzBUc8NqvtunqGmzzN8iC7tpR5vAI4gjnMxgG89CglPKagozwspf2734RZvbh5grzA
            Hjy7/GCrPPzaID2+aKC8Au4hvOOyb7wZBgs8S7YDPJjUWLoVaP+2NAAAAAAAAAD/////////////////////////////////////
            ////////////////////////////////////////////////////////////////////////////////////////////////////
            ////////////////////////////////////////////////////////////////////////////////////////////////////
            ////////////////////////////////////////I0ikP0QAZkLJrak/CiirQQAAgD8EAAAAAAAAAOA2fD9r8bFBuvruPl0G5D4E
            AAAAAAAAALRm/T57lbM8qbeFPy4kjD9OAQAAAAAAAAAAAAAAAOA/AAAAAAAAAAAQAAAAAAAAABoAAAAAAAAAEAAAACAAAAAKAAAA
            DQAAAAIAAAADAAAAFQAAABIAAAABAAAABgAAABYAAAAIAAAACgAAAP///////////////////////////////1YeukBI4XxAsqej
            QDMzG0CbnHFAoIXxPz0K5z8737Y/7XzbP4EWxj8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD/////CQAAAP//////////////////
            //8BAAAA////////////////BwAAAP//////////////////////////////////////////BQAAAAYAAAD//////////wMAAAD/
            /////////wIAAAAAAAAABAAAAAgAAAD//////////xAAAAAgAAAACgAAAAAAAAACAAAACAAAAAMAAAAKAAAACwAAAAwAAAANAAAA
            EAAAABYAAAD///////////////////////////////+ghfE/eLqtP9R48D9q+d8/POhMP4EWxj7tfNs+AACAP+182z57g9A+AAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAD/////////////////////AQAAAP////8GAAAA/////wkAAAD/////////////
            ////////////////////////////////////////BQAAAAgAAAD///////////////8DAAAAAgAAAAcAAAD///////////////8Q
            AAAAIAAAAA0AAAADAAAACAAAAAAAAAAEAAAAEwAAABQAAAARAAAAAQAAAAsAAAAGAAAAEgAAAAwAAAAKAAAA////////////////
            9ZddQK5HW0BI4XxAZmb2Pxax1z++IsE/AADAP3i6rT+BFkY/FrFXPzzoTD/tfNs+OsayPgAAAAAAAAAAAAAAAAIAAAAMAAAA////
            /wUAAAD/////////////////////CwAAAAYAAAD///////////////8DAAAA//////////8EAAAA//////////8HAAAACQAAAAgA
            AAD/////////////////////AAAAAAEAAAAKAAAA////////////////EAAAACAAAAAPAAAADQAAAAsAAAAEAAAABQAAABEAAAAA
            AAAAAQAAABAAAAAXAAAAFgAAAAIAAAAIAAAAEwAAAAwAAAAKAAAA/////1MiuUBi+4RAQXulQAT2M0AOyLRAsqejQGr53z+Wdw5A
            FrFXPx6Fcz9u4w1AF0SfP0lIVkAAAIA/Zma2PwAAAAADAAAABQAAAA4AAAD///////////////8KAAAA/////w0AAAAEAAAACQAA
            AP//////////AgAAAP//////////DAAAAP//////////BgAAAP////8BAAAABwAAAP////////////////////8AAAAACwAAAAgA
            AAD//////////xAAAAAgAAAADgAAAAMAAAAFAAAADQAAAAsAAAAKAAAAAAAAAAIAAAAGAAAADgAAABAAAAARAAAAFgAAAAgAAAAT
            AAAA//////////9Be6VAL0jrP83MvD8QWGc/+SCfP/5MSz8SuRJAOsayPpQhRz/apEE/CKyzP+182z6Pwrk/OsYyPwAAAAAAAAAA
            AQAAAAQAAAAFAAAA////////////////BgAAAP//////////CgAAAAsAAAD/////////////////////CAAAAA0AAAD/////////
            //////8HAAAAAwAAAAkAAAD///////////////8AAAAAAgAAAAwAAAD///////////////8QAAAAIAAAAAoAAAANAAAADgAAABEA
            AAADAAAACgAAAAQAAAAYAAAAFwAAABIAAAACAAAA////////////////////////////////7FGrQPkgf0A3HVdABPYzQI6xDEAv
            SOs/O7CqPzMzcz/tfNs+gRbGPgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAP////8EAAAA/////////////////////wkAAAD/////
            /////wIAAAD///////////////8FAAAA/////wEAAAD/////BgAAAP//////////////////////////////////////////AwAA
            AAAAAAAIAAAABwAAAP//////////EAAAACAAAAANAAAABwAAAAgAAAADAAAACQAAAAoAAAAMAAAAAgAAAAAAAAANAAAABAAAAAsA
            AAARAAAAEgAAAP///////////////wAAgD+qDytAPQpnP+18Wz++IkE/mpl5PxqK2D+F6xFA+i68PjrGsj49Cuc+OsayPgAAAD8A
            AAAAAAAAAAAAAAAHAAAABAAAAP////////////////////8GAAAAAAAAAAUAAAALAAAA////////////////CQAAAAMAAAD/////
            //////////////////////////8KAAAA/////////////////////wIAAAABAAAACAAAAAwAAAD//////////xAAAAAgAAAADgAA
            AAYAAAAIAAAAAwAAAAkAAAAKAAAACwAAABIAAAAOAAAADQAAABcAAAAPAAAAGAAAABYAAAAAAAAA//////////8AAIA/AACAPzMz
            cz+/CqU/gRbGPjrGsj7UePA/MzPzPidnNEB7g9A+OsayPgAAAD8AAAA/AAAAPwAAAAAAAAAADQAAAAQAAAAKAAAA////////////
            /////////////////////////wwAAAD///////////////8DAAAABwAAAP////8LAAAA//////////8AAAAABQAAAP//////////
            //////////8CAAAAAQAAAAYAAAAIAAAACQAAAP////8QAAAAIAAAAA4AAAACAAAAFAAAABMAAAAPAAAACQAAAAEAAAANAAAAAwAA
            AAsAAAAGAAAAEgAAAAwAAAAKAAAAAAAAAP//////////rkdbQKnCJECuRxtAmpkZQDMz8z/UePA/bdLgP9VPzj/6Lrw+uoXcPwp/
            0T98Bcc/+i68Pu182z8AAAAAAAAAAA0AAAAMAAAAAwAAAAEAAAD//////////wAAAAD/////CwAAAP//////////////////////
            ////BAAAAP////8CAAAA//////////8FAAAACQAAAAgAAAD/////////////////////BwAAAAYAAAAKAAAA////////////////
            EAAAACAAAAALAAAACAAAAAMAAAAPAAAAFgAAABUAAAAHAAAAGAAAAA0AAAARAAAAAAAAABIAAAD/////////////////////////
            /zMz8z/fILQ/61GwP65HrT9/pqU/vwqlPwAAgD+amXk/gRbGPvouvD46xrI+AAAAAAAAAAAAAAAAAAAAAAAAAAAJAAAA/////wIA
            AAD/////////////////////BQAAAP////8IAAAAAwAAAP///////////////////////////////wYAAAD/////////////////
            /////////wQAAAD//////////wEAAAAAAAAABwAAAAoAAAD//////////xAAAAAgAAAADwAAAA0AAAAFAAAAAwAAAAgAAAAEAAAA
            FAAAAAIAAAARAAAAFgAAABcAAAAMAAAAEgAAAAsAAAAGAAAAAAAAAP////9WeWBAjrEMQI+uZUBq+d8/+SCfPwAAgD+WXaA/PQpn
            P3uD0D4AAAA/O9+2P75BaD89Cuc+gRbGPoEWxj8AAAAAAQAAAA4AAAD/////BQAAAP//////////BgAAAP////8KAAAABwAAAAgA
            AAD//////////wQAAAD///////////////////////////////8NAAAADAAAAP////////////////////8CAAAAAAAAAAMAAAAJ
            AAAACwAAAP////8QAAAAIAAAABAAAAADAAAACgAAAAgAAAAJAAAABwAAAAEAAAAMAAAADQAAAAQAAAAOAAAAFwAAAAUAAAARAAAA
            AgAAAAYAAAASAAAAYvuEQLgebT+49pQ/e4PQPjrGsj6BFsY+V9thP1yPtj8QWGc/AAAAP+18Wz+BFkY/e4PQPoEWRj89Cuc+7Xzb
            PgsAAAABAAAA/////////////////////w0AAAAEAAAABgAAAAwAAAD///////////////8IAAAAAwAAAAkAAAD/////////////
            //8FAAAADgAAAP//////////////////////////AAAAAAIAAAAHAAAACgAAAA8AAAD/////EAAAACAAAAAJAAAABgAAAAsAAAAI
            AAAAAQAAAAMAAAAKAAAAAgAAAAAAAAASAAAA/////////////////////////////////////5qZeT9X22E/PM0wQO182z6ghbE/
            +erlP/TVSz86xrI+AAAAPwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHAAAABQAAAP////////////////////8GAAAA////
            ////////////////////////////////////////////////////////////AwAAAAAAAAABAAAA/////////////////////wQA
            AAACAAAACAAAAP///////////////xAAAAAgAAAAEAAAAAUAAAADAAAADgAAAAoAAAAUAAAAAAAAABAAAAARAAAACAAAAAEAAAAW
            AAAABwAAABIAAAALAAAABAAAAAIAAADsUatAUyK5QN0ibEBWeWBAIi5PQFYeukBcjzZABmQgQN8gtD8AAAA/MzPzPgAAAEAAAIA/
            MzPzPjMz8z7tfFs/AAAAAAMAAAAFAAAABAAAAP//////////DwAAAAsAAAD/////BwAAAAoAAAD//////////w4AAAD/////AgAA
            AP///////////////wkAAAD/////DQAAAAYAAAD///////////////8BAAAACAAAAAwAAAD///////////////8QAAAAIAAAAA8A
            AAAQAAAADQAAAA8AAAAFAAAAAwAAAAQAAAARAAAACwAAABYAAAAUAAAAEgAAABcAAAAJAAAAAAAAAAcAAAD/////AACAP90ibEC/
            CqU/+SB/QExz4j+UIUc/bZInQAAAAD/uU5o/OsayPjMz8z6kcBNA7XzbPjrGsj4zM/M+AAAAAAMAAAANAAAAAgAAAAkAAAD/////
            //////////8OAAAA/////wYAAAAIAAAA//////////8FAAAADAAAAP///////////////////////////////wcAAAAAAAAA////
            ////////////BAAAAAEAAAAKAAAACwAAAP//////////EAAAACAAAAAQAAAADQAAAAUAAAAQAAAADgAAAAMAAAAWAAAAAAAAABUA
            AAASAAAACQAAAAIAAAAIAAAACgAAABcAAAAHAAAAGAAAAAAAgD8WsVc/MzNzP78KpT+UIUc/oIURQDMzcz+VQ+E/e4NQP+tRsD8A
            AIA/mpkZQD0K5z49Cuc+OsayPjMz8z4BAAAABgAAAAwAAAD///////////////8KAAAADgAAAP//////////BQAAAP//////////
            /////wkAAAADAAAA/////w8AAAD/////////////////////AgAAAAcAAAD//////////wQAAAAAAAAACAAAAAsAAAANAAAA////
            /xAAAAAgAAAADQAAAA0AAAAPAAAABQAAAA4AAAADAAAABAAAABEAAAAWAAAAFAAAAAgAAAABAAAAAgAAABcAAAD/////////////
            //9cjzZAMzNzP+18Wz8AAIA//d0sQNqkQT/6Lrw+O9/2P4EWxj4zM/M+7XzbPoEWxj6BFsY+AAAAAAAAAAAAAAAAAgAAAP////8B
            AAAACAAAAP//////////CwAAAP//////////BgAAAAcAAAD//////////wUAAAD/////AwAAAP///////////////woAAAD/////
            //////////////////////////8EAAAAAAAAAAkAAAAMAAAA//////////8QAAAAIAAAAAsAAAADAAAABQAAAA4AAAANAAAABAAA
            ABgAAAACAAAAFgAAAAsAAAAIAAAABgAAAP//////////////////////////Dsi0QDcdV0BtkidABmQgQAissz/YC5o/O9/2P7ge
            bT97g9A+MzPzPjrGsj4AAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAD//////////////////////////wYAAAD///////////////8H
            AAAA//////////8EAAAA/////wIAAAD/////BQAAAP//////////CgAAAAgAAAD/////////////////////AAAAAAMAAAAJAAAA
            ////////////////EAAAACAAAAAMAAAAAAAAAAcAAAACAAAADQAAABYAAAAVAAAADwAAABgAAAALAAAACAAAAAwAAAAKAAAA////
            /////////////////5uccUDUePA/6kDjP6CFsT9V36E/AACAP3uDUD++IkE/7XzbPj6ylD8AAAA/vkFoPwAAAAAAAAAAAAAAAAAA
            AAAAAAAACwAAAAYAAAD///////////////8CAAAAAQAAAAoAAAD/////BAAAAP///////////////////////////////wcAAAD/
            //////////////8IAAAA/////wUAAAD///////////////8DAAAACQAAAP///////////////wgAAAAQAAAABgAAAAgAAAACAAAA
            AAAAAAMAAAAUAAAABAAAAP//////////rkcbQJhYIUCBFsY+eBOCQDMzcz86xjI/AAAAAAAAAAACAAAA//////////8EAAAA////
            //////8BAAAA////////////////AwAAAAAAAAD/////BQAAAP//////////EAAAACAAAAAMAAAACgAAABMAAAAIAAAAAgAAAAAA
            AAANAAAABQAAAAMAAAARAAAAFgAAABAAAAAOAAAA/////////////////////wAAgD8zM3M/qcIkQL4iwT86xjI/Ii5PQDzoTD/0
            1Us/viJBP3uD0D6BFsY+OsayPgAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAYAAAD///////////////8DAAAA//////////8IAAAA
            CQAAAP////////////////////8LAAAAAQAAAP//////////////////////////CgAAAP///////////////wcAAAACAAAABQAA
            AP///////////////wgAAAAQAAAABwAAABIAAAAAAAAAFgAAAA8AAAANAAAACQAAABcAAAD/////AACAPzMzG0C4Hu0/lUPhP6nC
            pD9/pqU/viJBPwAAAAABAAAA/////wMAAAD/////////////////////////////////////AgAAAAQAAAAAAAAABgAAAAUAAAD/
            ////EAAAACAAAAAQAAAAGAAAABUAAAAPAAAACQAAAA4AAAANAAAAAAAAABIAAAADAAAAEQAAAAIAAAAHAAAAEAAAAAgAAAABAAAA
            FwAAAG4SUkC4Hu0/oIURQK5HrT/uU5o/51bVPzvftj9V36E/SjlEQD0K5z76Ljw/AAAAPzvftj89Cuc+e4PQPnuD0D4GAAAA////
            /wIAAAD///////////////8KAAAACwAAAP////8JAAAA/////////////////////wMAAAAEAAAA/////wAAAAD/////DgAAAP//
            ////////DAAAAAEAAAD//////////wgAAAAFAAAABwAAAA0AAAAPAAAA/////xAAAAAgAAAACQAAAA4AAAANAAAAAwAAAAUAAAAL
            AAAAAAAAABYAAAAVAAAACAAAAP////////////////////////////////////+kcBNAzcy8PxqbpT8zM3M/7XxbPzQAVj80AFY/
            viJBPzrGsj4AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwAAAAUAAAD/////////////////////////////////////////
            /wYAAAD/////////////////////AAAAAP//////////////////////////BAAAAP////8HAAAA//////////8CAAAAAQAAAAgA
            AAD///////////////8QAAAAIAAAAAsAAAAIAAAADwAAAAkAAAAWAAAABQAAAAMAAAARAAAAAAAAABIAAAACAAAABwAAAP//////
            ////////////////////AAAAPzMz8z4AAIA/bhJSQDuwqj9rJ6I/2AuaPw5Ykj++IkE/OsayPgAAAD8AAAAAAAAAAAAAAAAAAAAA
            AAAAAAQAAAAHAAAAAQAAAP///////////////wkAAAAKAAAA/////wYAAAADAAAA////////////////AgAAAP//////////////
            ////////////////////////////////////////////BQAAAAAAAAAIAAAA////////////////BAAAAAgAAAABAAAACAAAAP//
            /////////////wAAAD8AAAAAAAAAAAAAAAD///////////////8AAAAA/////////////////////wAAAAAAAAAAAAAAABAAAAAA
            AAAAAAAAAAAAAAAEAAAAAAAAABoAAAAAAAAAPwBEQCt9AD84d5RAeqE6QbQRAT9DvtJAJHSCP+5TAj8zU8NAnQ4CP17/QUAWYSNA
            l4WCP156EkH8OcNAiveBP3/YgD9UJ0RABzSDQG7fgz8C7AE/AAAAAJrdZEAoGgI/YNOCPwAAAABlj4Q/eqE6QRoAAAAAAAAAAxdi
            QCQPAD/OYyFA0ww5QVfJgD8AAAAASroAQAAAAABZuEBAAAAAAGBHoUD1WoA/j66AP1w+8kCKdiFAAAAAAOoggT8M9QBAAAAAAAAA
            AABabQE/AAAAABtHAT8AAAAAAAAAAAAAAABUyYE/0ww5QRoAAAAAAAAAzcCAQAAAAADAXSFA29MAQUmTIUAAAAAAAAAAAGXFAD8g
            9ghBAAAAANNxgD8AAAAAryAhQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEMCwT+whaBAAAAAAAAAAAAAAAAAAAAAAAAAAACqfIE/
            IPYIQRoAAAAAAAAAnDwAPyQPAD/9gABAf4kYQfOmgD8AAAAAAAAAAAAAAABKHoA/AAAAAPVagD8kagA/AAAAAAPNAD8AAAAAAAAA
            AHItAD9lxQA/AAAAAAAAAAAAAAAAAAAAAAc1AD/1WgA/AAAAAAAAAAADzYA/f4kYQQ==
            """,
        table: """
            VFRTVwEAAAAMAAAAEQAAAAIAAABMAAAAJwAAAAAAAAACAAAAdTECAAAAdTACAAAAdTICAAAAdTMCAAAAdTQCAAAAdTUCAAAAdTYC
            AAAAdTcCAAAAdTgCAAAAdTkDAAAAdTEwAwAAAHUxMQMAAAB1MTIDAAAAdTEzAwAAAHUxNAMAAAB1MTUDAAAAdTE2AwAAAHUxNwMA
            AAB1MTgDAAAAdTE5AwAAAHUyMAMAAAB1MjEDAAAAdTIyAwAAAHUyMwMAAAB1MjQDAAAAdTI1AwAAAHUyNgMAAAB1MjcDAAAAdTI4
            AwAAAHUyOQMAAAB1MzADAAAAdTMxAwAAAHUzMgMAAAB1MzMDAAAAdTM0AwAAAHUzNQMAAAB1MzYDAAAAdTM3AwAAAHUzOAEAAAAA
            AAAAAAAAAAMAAAAAAAAAAQAAAAAAAAACAAAAAwAAAAAAAAADAAAABAAAAAUAAAATAAAAAAAAAAkAAAAGAAAABwAAABMAAAAUAAAA
            DAAAAAEAAAAIAAAAEAAAABYAAAAAAAAAFwAAAAoAAAALAAAABAAAAAMAAAACAAAAEQAAAA0AAAABAAAAAAAAAA0AAAABAAAAAAAA
            AA4AAAALAAAAAAAAAA8AAAAFAAAACgAAAAQAAAARAAAAEAAAABYAAAAUAAAADQAAAA4AAAADAAAAAQAAAAAAAAANAAAABgAAAAAA
            AAAKAAAAEQAAAAMAAAAFAAAADQAAABQAAAABAAAAAAAAABAAAAACAAAAAAAAAAAAAAABAAAACgAAAAAAAAAVAAAADwAAAAkAAAAX
            AAAADQAAAA4AAAASAAAABwAAAAAAAAAWAAAAAgAAAAAAAAAOAAAAEQAAAAEAAAAAAAAADAAAAAQAAAAAAAAADwAAAAIAAAAIAAAA
            CgAAAAcAAAAAAAAACwAAABcAAAAFAAAADgAAABEAAAADAAAADQAAAAQAAAAAAAAADQAAAAAAAAAJAAAAFQAAAAIAAAAAAAAABQAA
            AA4AAAACAAAAAAAAAAUAAAANAAAABAAAAAAAAAAFAAAADQAAAAAAAAADAAAACwAAAAAAAAAPAAAACAAAAAkAAAAYAAAAFgAAAAUA
            AAADAAAAEQAAAAAAAAASAAAAAgAAAAEAAAAAAAAAAwAAAAMAAAAAAAAAAQAAAA0AAAAIAAAAAgAAAAAAAAADAAAAAQAAAAIAAAAA
            AAAACAAAABkAAAACAAAAAAAAAAsAAAADAAAAAgAAAAAAAAABAAAADQAAAAMAAAAAAAAABwAAABYAAAAYAAAAAgAAAAAAAAAPAAAA
            FgAAAAEAAAAAAAAADQAAAAQAAAAAAAAAAwAAAA0AAAAQAAAAFgAAAAIAAAAAAAAAFgAAAAMAAAAFAAAAAAAAAAQAAAADAAAAAgAA
            AAgAAAATAAAAAQAAAAAAAAAZAAAABAAAAAAAAAAAAAAABwAAAA0AAAASAAAAAgAAAAAAAAAFAAAADQAAAAEAAAAAAAAAAAAAAAMA
            AAAAAAAAAwAAAAwAAAAKAAAADAAAAAAAAAAEAAAAEQAAAAwAAAALAAAAEgAAAA0AAAAIAAAABgAAAAMAAAACAAAAAAAAAAoAAADU
            AQAAAAAAADV1bL71RlU+BnGHvfl9b70AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIXud77lDXs+JgaJvfASgr0AAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJi7W76PF1E+nwlrvTIbgL0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            ABVnWUCvmJc/HTbgv0TUjz5XsC692LukvCOJwTx3lBw85mQyv8Dn1T6QUtY+AAAAAPxopz1406S9MUI8vR+mrD0b1lm8AAAAANMm
            cLwiU1S6RS8qQAAAAABVnjtA8+AlPnNcZr7RW28+X5+2veBAtL0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAP4uFL63
            LSLAK9shP0X+ED/a+sC95QqXPQzC6bxevay9IR1tvoCXmT0AVku8pBNUvreZkT0RfQO+OCYHvAmv2z2C37a7AAAAAL+Zi7ywlgQ7
            nt6OPwAAAAA7IFpAdCvPvi1cI743d7e/SRUlP2qnBD8Y7kO8YlsevQx3OLzUGJ+8KNXGP/H9O0BL258+Cq0PQBT5MT7YDDO+kTAj
            vD9wwz3cRmK8AAAAAONZnLw0s7O6XMcwQAAAAABzTHRAAWSMPhfu8T7X8s6+u3Z1Pfllfz64V5y8Wf42PBi+7rwk6de6g87EP7b2
            DsCigNg/TPxGPl6cLkDTBaS/XhpqPHirij8JcNi94pPxPG15ubwXvIa9kDq1PYAzSL24tnC+gJCzPLIR9D64kUq/AyRmPbT+hj6y
            QeO8YMeWvKZx5rza/pq8TDvXPxQQB0A0GUY/8MlDP+tkgT47eQy+uNNPvQRMAD4rqoC8AAAAAMonobxfMk28WoxHQAAAAABC8HlA
            kB8fQGP41D+H1CK+5d17vgHOzT6yDae8C3JzvSQDAL3+8Am8xgwmPyjWOD+qugo/XufiPt8Q2b7tMJu/twbSPoRvhb0cV+i8oxyS
            vJR4IL0NkZu8qs68vQBEs7wgUfi91mIhvbmLdT/nL3i/FaIvPp5MFz+C7cK82EGBuxho+rz5q1Q712moP5TW3L/VuL8+zG29vVhi
            Fj5NSzG/mtR6PgafkT7GgLq7TxJ4vPKlprws3u06oGTcPS4AQkADHxM/ji8mvjBYBT7ILTK/nwuSPrwltz544R06BuBLvAVOgLxf
            3oU7B9OGvwJwH0CAVBE+fn4Svxb07D51m7I+0cGvPjA7Gj+XK5g80N5qvcALnrwJ2gM77tZ1v7wHlj+Aagy/JDzhvhyfxj8qesA/
            fToSv/IFp75YLai9wiAlvQI4jrxmwSK9MI26PcPP7T+GVLe/WKX+P8PRub7ZC80++d2+vd82KL6wEzg6AAAAABApnDsM/Gq6tIUN
            vgAAAADcHnC/9AU1Pk7uET92hx2+8zgevlzIVz5Cpw288lAEvYq6l7yl54A6NANYPnqa+z8GW8M/SKqLvetq0b5d8Dw/wIR7vk1h
            tb5cpfu7BifpupW1uTvZwVC7q1LbP9gMtT7wGIW90KLnPkVhNz5E5bQ+IHM9vpQ+xjv6pja7AAAAAMwEILyEoq05uucLPwAAAABu
            A/Q/qNmEvdtLCL91CJc/NVXJvlK2C78e/Iy7+y8cvBXvwzzqSsu7ZaLSvSAWUT2ohQi/QHLcOxvWgT02NTC/PXAoPt+9tz5BuQS8
            rl9avMDZZ7zAr3k6IG6+vvaSKUA3UV4/+ZnHvqnEKD8tLs2+dfBsvBpCZz6KjKy8zNZLvc7nTLyE1Ki7gDRNPuDoWL+MLYC94CSv
            PCiXpj0UN1i+h50yPmaqLz4cNim8NoW/uxdzBbyxaIG7EMrdvhiUkz+ygUO++KNZPuOApj1k0Pq/GTP5PvZSoD+K0Io8VOikvWup
            rDxeczo8RDBnv/CVckAf9SHASY4EvwdzPz/oz2K+i5eEvikKtj7yyz28AHgWN2aWsLrKWIG7zA22Prz1AD/5nSC/XH07Puwylj3Q
            dHo/wNTWvjEKu75tpP47LMrGvFN5nzyg67O5759Rv5LWYz/zStK/7ErlvcgBQECapSs/nDuPvzWHlj0gsLC6PBQ7vdrmVbye5Gq8
            zuvFPySpNz9W+Ps9uigHQFyP171Xauu8hRQWPT/hhj1c/Ke8AAAAAHeBALxfcsK7CziAQAAAAAARNcE/cDOTPwfZCD5rKE2/2AT8
            PpOdMT/AHWu8uibcvJX1OLz7S8W7gqXOP/A+nL4AwN081sJ4Py5bHL/MzMa+WTTGPiwv9T3qF++6QrOeu5OmxrvcgNQ6KMk4v3AW
            cz/gL7C+9cUKv4hNwT3TszE/BrGCPbVu0z0Sb0S7c066vKaY47tboqu61JmbvsavjkB42cw9YGFpvKMwhj2nRG4/64Pjvg9Fr74b
            bIi7OVrSvL5BzDss6ee7kBbsPtJVgz8AiJu78C8qP6Yqgz+wigQ/X94dv0M7xT4cDFU8TcDHvZbYkDrw3ms8RJ2AvgC0iD7QgiC+
            +o+tvpcCAAAAAAAAAQAAAAEAAAABAAAAAAAAAAYAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAvRR
            wowBAAADAAAAAwAAAAEAAAAAAAAACAAAAAwAAAABAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAu9FHCjAEAAAMA
            AAADAAAAAQAAAAAAAAALAAAADAAAAAMAAAAEAAAABQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAJ70UcKMAQAAfwAAAAcAAAAB
            AAAAAAAAAAsAAAADAAAAAwAAAAQAAAADAAAAAwAAAAIAAAARAAAADQAAAAMAAAAAAAAA1gtSwowBAAACAAAAAgAAAAEAAAAAAAAA
            DQAAAAwAAAANAAAADQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAADA9lHCjAEAAAEAAAABAAAAAQAAAAAAAAACAAAADAAA
            AA4AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAKD3UcKMAQAAKwAAAAMAAAABAAAAAAAAAA0AAAAMAAAADgAAAAMA
            AAADAAAADQAAAA0AAAAUAAAADQAAAA0AAAAAAAAAyAFSwowBAAABAAAAAQAAAAEAAAAAAAAADQAAAAEAAAANAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAEAAACq+FHCjAEAABIAAAACAAAAAQAAAAAAAAANAAAAAQAAAA0AAAAUAAAAAwAAABEAAAANAAAA
            AwAAAAUAAAANAAAAAAAAAA3+UcKMAQAAAQAAAAEAAAABAAAAAAAAAA0AAAADAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAABAAAAb/pRwowBAAACAAAAAgAAAAEAAAAAAAAACAAAAAwAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEA
            AAA8+1HCjAEAABEAAAABAAAAAQAAAAAAAAAGAAAADAAAABYAAAASAAAADQAAAA4AAAASAAAABwAAAAAAAAAWAAAAAAAAAAMEUsKM
            AQAAAwAAAAMAAAABAAAAAAAAAA0AAAAMAAAADgAAABEAAAARAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAP1RwowBAAABAAAA
            AQAAAAEAAAAAAAAAAwAAAAMAAAAMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACw/VHCjAEAAAQAAAAEAAAAAQAA
            AAAAAAANAAAAAwAAAA8AAAACAAAACAAAAAoAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAPb/UcKMAQAAEAAAAAAAAAABAAAAAAAAAA0A
            AAADAAAADgAAAA4AAAARAAAADQAAAA0AAAARAAAAAwAAAA0AAAAAAAAAqwdSwowBAAAEAAAABAAAAAEAAAAAAAAABgAAAAEAAAAN
            AAAAAAAAAAkAAAAVAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAB0AFLCjAEAAAIAAAACAAAAAQAAAAAAAAALAAAADAAAAAUAAAAOAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAKYAUsKMAQAAAgAAAAIAAAABAAAAAAAAAAMAAAADAAAABQAAAA0AAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAABAAAAFQFSwowBAAAKAAAAAgAAAAEAAAAAAAAABgAAAAwAAAAAAAAAAwAAAAAAAAANAAAADQAAAA0A
            AAANAAAAAAAAAAAAAAAeA1LCjAEAAA4AAAAGAAAAAQAAAAAAAAAGAAAADAAAAAMAAAARAAAAAAAAABIAAAASAAAAAgAAABYAAAAF
            AAAAAAAAAAoHUsKMAQAAAQAAAAEAAAABAAAAAAAAAAsAAAABAAAAAwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAA
            6wJSwowBAAADAAAAAwAAAAEAAAAAAAAADQAAAAEAAAABAAAADQAAAAgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAKBFLCjAEA
            AAIAAAACAAAAAQAAAAAAAAALAAAADAAAAAMAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAFIEUsKMAQAAAgAAAAIA
            AAABAAAAAAAAAAsAAAADAAAACAAAABkAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAkwVSwowBAAAFAAAABQAAAAEAAAAA
            AAAACwAAAAEAAAADAAAAAwAAAAsAAAADAAAAAwAAAAAAAAAAAAAAAAAAAAEAAADPBlLCjAEAAAIAAAACAAAAAQAAAAAAAAALAAAA
            DAAAAAEAAAANAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAKIGUsKMAQAABAAAAAQAAAABAAAAAAAAAAIAAAADAAAAGAAA
            AAcAAAAWAAAAGAAAAAAAAAAAAAAAAAAAAAAAAAABAAAA0QdSwowBAAACAAAAAgAAAAEAAAAAAAAABgAAAAMAAAAPAAAAFgAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAABKCFLCjAEAAAUAAAAFAAAAAQAAAAAAAAANAAAAAQAAAA0AAAANAAAADQAAAA0AAAAN
            AAAAAAAAAAAAAAAAAAAAAQAAABYKUsKMAQAABQAAAAUAAAABAAAAAAAAAAYAAAAMAAAAEAAAAAMAAAANAAAAEAAAABYAAAAAAAAA
            AAAAAAAAAAABAAAAWQpSwowBAAAEAAAABAAAAAEAAAAAAAAACAAAAAMAAAADAAAAFgAAAAMAAAADAAAAAAAAAAAAAAAAAAAAAAAA
            AAEAAADNClLCjAEAAAsAAAADAAAAAQAAAAAAAAALAAAAAwAAAAIAAAAIAAAAEwAAAAIAAAADAAAAAwAAAAMAAAADAAAAAAAAAAMM
            UsKMAQAAAQAAAAEAAAABAAAAAAAAAAYAAAADAAAAGQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAA7gtSwowBAAAE
            AAAABAAAAAEAAAAAAAAACwAAAAwAAAAAAAAABwAAAA0AAAASAAAAAAAAAAAAAAAAAAAAAAAAAAEAAABLDFLCjAEAAAIAAAACAAAA
            AQAAAAAAAAANAAAAAQAAAAUAAAANAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAFwMUsKMAQAAAgAAAAIAAAABAAAAAAAA
            AAYAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAmwxSwowBAAADAAAAAwAAAAEAAAAAAAAACwAAAAMA
            AAADAAAADAAAAAoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAACpDFLCjAEAABsAAAADAAAAAQAAAAEAAAALAAAAAwAAAAIAAAAA
            AAAACgAAAAoAAAANAAAACAAAAAYAAAADAAAAAAAAABkPUsKMAQAAAAAAAAAAAAABAAAAAAAAAAMAAAB1MzgmAAAACgAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAPZ+iD9Rc2HASJSSP3kiD0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMdqLsEG0b5A+h2C
            QLgcHT8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAH4LK7i1XA23GE4uONdRIDfFYJs6BlxQO7KLXTr2XAo7AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAL
            AAAAAwAAAAAAAAAAAAAA
            """,
        probeItems: ["i5", "i21", "i5", "unknown-item"],
        topBefore: [
            ("u38", [("i25", 0xc03e_0d6b), ("i28", 0xc077_5392), ("i1", 0xc0a5_51c9)]),
            ("u3", [("i28", 0xc0e5_b040), ("i1", 0xc0f4_8d6c)]),
            (
                "nobody",
                [
                    ("i4", 0x3f80_b92b), ("i18", 0xbb51_9080), ("i3", 0xbf27_e835), ("i5", 0xbf71_4de5),
                    ("i13", 0xbfb0_5ebc),
                ]
            ),
        ],
        scoresBefore: [0x3fe9_3b62, 0xc017_fdfb, 0x3fe9_3b62, nil],
        events: [
            InteractionEvent(
                user: "u38", item: "i22", kind: "click", value: nil, timestamp: 1_704_067_206_944,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Fantasy"]]),
            InteractionEvent(
                user: "u38", item: "i28", kind: "view", value: nil, timestamp: 1_704_067_206_947,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary"]]),
            InteractionEvent(
                user: "u38", item: "i19", kind: "view", value: nil, timestamp: 1_704_067_206_958,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "view", value: nil, timestamp: 1_704_067_206_985,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i1", kind: "view", value: nil, timestamp: 1_704_067_206_989,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "view", value: nil, timestamp: 1_704_067_206_991,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "rating", value: 4.0, timestamp: 1_704_067_207_002,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i19", kind: "view", value: nil, timestamp: 1_704_067_207_034,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "view", value: nil, timestamp: 1_704_067_207_096,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i29", kind: "view", value: nil, timestamp: 1_704_067_207_126,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 4.0, timestamp: 1_704_067_207_131,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i21", kind: "click", value: nil, timestamp: 1_704_067_207_205,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Romance", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i23", kind: "click", value: nil, timestamp: 1_704_067_207_206,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Crime"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "view", value: nil, timestamp: 1_704_067_207_217,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "click", value: nil, timestamp: 1_704_067_207_222,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "click", value: nil, timestamp: 1_704_067_207_259,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "view", value: nil, timestamp: 1_704_067_207_269,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i18", kind: "view", value: nil, timestamp: 1_704_067_207_301,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary"]]),
            InteractionEvent(
                user: "u39", item: "i4", kind: "view", value: nil, timestamp: 1_704_067_207_316,
                userFeatures: ["age": ["56+"], "device": ["ios"], "occupation": ["retired"], "region": ["mountain"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i25", kind: "view", value: nil, timestamp: 1_704_067_207_328,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Adventure"]]),
            InteractionEvent(
                user: "u38", item: "i22", kind: "view", value: nil, timestamp: 1_704_067_207_331,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Fantasy"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "view", value: nil, timestamp: 1_704_067_207_396,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i17", kind: "view", value: nil, timestamp: 1_704_067_207_407,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i29", kind: "rating", value: 4.0, timestamp: 1_704_067_207_421,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "click", value: nil, timestamp: 1_704_067_207_432,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "click", value: nil, timestamp: 1_704_067_207_483,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "view", value: nil, timestamp: 1_704_067_207_498,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 2.0, timestamp: 1_704_067_207_503,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "view", value: nil, timestamp: 1_704_067_207_517,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "view", value: nil, timestamp: 1_704_067_207_522,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "rating", value: 4.0, timestamp: 1_704_067_207_537,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "view", value: nil, timestamp: 1_704_067_207_575,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i15", kind: "view", value: nil, timestamp: 1_704_067_207_591,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War"]]),
            InteractionEvent(
                user: "u38", item: "i19", kind: "rating", value: 5.0, timestamp: 1_704_067_207_597,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "view", value: nil, timestamp: 1_704_067_207_600,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "view", value: nil, timestamp: 1_704_067_207_699,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "view", value: nil, timestamp: 1_704_067_207_710,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "view", value: nil, timestamp: 1_704_067_207_762,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i15", kind: "view", value: nil, timestamp: 1_704_067_207_767,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "view", value: nil, timestamp: 1_704_067_207_795,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i25", kind: "view", value: nil, timestamp: 1_704_067_207_803,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Adventure"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "rating", value: 5.0, timestamp: 1_704_067_207_805,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i29", kind: "click", value: nil, timestamp: 1_704_067_207_814,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i5", kind: "view", value: nil, timestamp: 1_704_067_207_825,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Comedy"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "click", value: nil, timestamp: 1_704_067_207_830,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "rating", value: 5.0, timestamp: 1_704_067_207_831,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i11", kind: "view", value: nil, timestamp: 1_704_067_207_844,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i27", kind: "rating", value: 4.0, timestamp: 1_704_067_207_858,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "view", value: nil, timestamp: 1_704_067_207_866,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i27", kind: "purchase", value: nil, timestamp: 1_704_067_207_889,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "click", value: nil, timestamp: 1_704_067_207_905,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "view", value: nil, timestamp: 1_704_067_207_939,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i28", kind: "view", value: nil, timestamp: 1_704_067_207_946,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "view", value: nil, timestamp: 1_704_067_207_947,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "view", value: nil, timestamp: 1_704_067_207_955,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "click", value: nil, timestamp: 1_704_067_207_963,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "rating", value: 4.0, timestamp: 1_704_067_207_993,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "view", value: nil, timestamp: 1_704_067_207_998,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i8", kind: "rating", value: 2.0, timestamp: 1_704_067_208_004,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Crime"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "view", value: nil, timestamp: 1_704_067_208_005,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
        ],
        ranks: [
            nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
            nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
            nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
        ],
        predictions: [],
        served: [
            nil, nil, nil, 0, 2, 0, 0, 0, 0, nil, nil, nil, nil, 0, 0, 0, 0, 0, 0, 1, nil, nil, nil, 1, 0, 0, nil,
            0, 0, nil, 0, 0, nil, 0, 0, 0, 0, nil, 0, 0, 0, nil, 0, 0, 0, 0, nil, nil, 0, nil, nil, 0, nil, 0, 0, 0,
            0, 0, nil, 0,
        ],
        topAfter: [
            ("u38", []),
            ("u3", [("i28", 0xc0d8_1f51), ("i1", 0xc0f9_97f2)]),
            (
                "nobody",
                [
                    ("i4", 0x3f8f_d446), ("i18", 0xbd7a_4f38), ("i3", 0xbf04_7101), ("i5", 0xbf71_20c0),
                    ("i13", 0xbf99_c7ef),
                ]
            ),
        ],
        metaUpdates: 8)

    static let rating = LegacyFormatFixture(
        model: """
            TVRTVwQAAAA3BwAAAAAAAHsiZGV0ZXJtaW5pc3RpYyI6ZmFsc2UsImZlYXR1cmVzIjp7ImJ1Y2tldHMiOjE2LCJpdGVtX2ZlYXR1
            cmVzIjp0cnVlLCJtYXhfcGVyX2VudGl0eSI6MiwidXNlcl9mZWF0dXJlcyI6dHJ1ZX0sImtpbmRfd2VpZ2h0cyI6eyJjYXJ0Ijox
            LjUsImNsaWNrIjoxLCJmYXZvcml0ZSI6MS41LCJwdXJjaGFzZSI6MiwicmF0aW5nIjoxLCJ2aWV3IjowLjV9LCJtZXRhIjp7ImFs
            Z29yaXRobSI6InJlcHRpbGUiLCJlbmFibGVkIjp0cnVlLCJob2xkb3V0X3NoYXJlIjowLCJpbm5lcl9zdGVwX3NpemVzIjpmYWxz
            ZSwiaW50ZXJ2YWwiOjUwLCJsZWFybmluZ19yYXRlIjowLjA1LCJzdGVwX3NpemVfbGVhcm5pbmdfcmF0ZSI6MC4wMSwidmVjdG9y
            X2xlYXJuaW5nX3JhdGUiOjAuMDF9LCJvYmplY3RpdmUiOiJyYXRpbmciLCJyYW5raW5nIjp7ImJpYXNfbGVhcm5pbmdfcmF0ZSI6
            MC4wMSwiYmxlbmRfbGVhcm5pbmdfcmF0ZSI6MC4wMDUsImNhbmRpZGF0ZV9uZWlnaGJvcnMiOjEwMDAsImNhbmRpZGF0ZV9wb29s
            Ijo1MDAsImNvbGRfZXZlbnRzIjo1LCJjb2xkX2ZlYXR1cmVfcHJpb3IiOjEwLCJjb2xkX2ZlYXR1cmVzIjpmYWxzZSwiY29sZF9w
            b3B1bGFyaXR5X2hhbGZfbGlmZSI6MzAwLCJjb250ZXh0X2RlY2F5IjowLjgsImNvb2NjdXJyZW5jZV9kZWNheSI6MC45NSwiY29v
            Y2N1cnJlbmNlX2hhbGZfbGlmZSI6MCwiY29vY2N1cnJlbmNlX3dpbmRvdyI6MzIsImZhY3RvcnMiOjI0LCJoZWFkX2xlYXJuaW5n
            X3JhdGUiOjAuNCwiaW5pdGlhbF9ibGVuZCI6WzEsMSwxLDFdLCJpbml0aWFsX3NjYWxlIjowLjEsImlubmVyX3N0ZXBzIjoyLCJp
            dGVtX29mZnNldF9sZWFybmluZ19yYXRlIjowLjAxLCJsZWFybmluZ19yYXRlIjowLjA1LCJsb2dfY29tcG9uZW50cyI6dHJ1ZSwi
            bG9nX2Zsb29yIjowLjAwMSwibG9nX25laWdoYm9ycyI6ZmFsc2UsIm1heF9uZWlnaGJvcnMiOjUxMiwibWV0YV9sb3NzIjoiaGVh
            ZF9zb2Z0bWF4IiwibmVnYXRpdmVzIjo0LCJuZWlnaGJvcl9hbHBoYSI6MC41LCJuZWlnaGJvcl9iZXRhIjowLjUsIm5laWdoYm9y
            X2NvbnRleHQiOjE2LCJwb3B1bGFyaXR5X2hhbGZfbGlmZSI6MTAwMCwicmVndWxhcml6YXRpb24iOjAuMDAyLCJyZXRyaWV2YWwi
            OiJmdWxsIiwicmV2ZXJzZV93ZWlnaHQiOjEsInNlc3Npb25fY29udGV4dF93ZWlnaHQiOjIsInNlc3Npb25fZGVjYXkiOjEsInNl
            c3Npb25fZ2FwIjo2MCwic2Vzc2lvbnMiOnRydWUsInN0YWdlX2VkZ2VzIjpbMjAsNTAsMTAwXSwic3RhZ2VfaGFsZl9saXZlcyI6
            WzIwMDAsMzAwMCwzMDAwLDMwMDBdLCJzdGFnZV9wb3B1bGFyaXR5Ijp0cnVlLCJ0b3BfbmVnYXRpdmVzIjo1MDAsInVzZXJfaW5p
            dF9ub2lzZSI6MCwidXNlcl9sZWFybmluZ19yYXRlIjowLjA1LCJ3aW5kb3ciOjMyfSwicmF0aW5nIjp7ImJpYXNfbGVhcm5pbmdf
            cmF0ZV9zY2FsZSI6MywiYmlhc19zY2FsZV9sZWFybmluZ19yYXRlIjozLCJiaWFzX3NjYWxlX3JlZ3VsYXJpemF0aW9uIjowLjAx
            LCJmYWN0b3JzIjozLCJpbml0aWFsX3NjYWxlIjowLjAxLCJpbm5lcl9zdGVwcyI6MiwiaXRlbV9kZWNheV9jb3VudCI6MywiaXRl
            bV9kZWNheV9wb3dlciI6MC43NSwibGVhcm5pbmdfcmF0ZSI6MC4wOCwibWF4aW11bSI6NSwibWluaW11bSI6MSwicmVndWxhcml6
            YXRpb24iOjAuMDAxLCJzaHJpbmthZ2UiOjAsInVzZXJfZGVjYXlfY291bnQiOjEwLCJ1c2VyX2RlY2F5X2Zsb29yIjowLjQ1LCJ1
            c2VyX2RlY2F5X3Bvd2VyIjoxLCJ1c2VyX2ZhY3Rvcl9sZWFybmluZ19yYXRlIjowLjIsInVzZXJfZmVhdHVyZXMiOnRydWUsInVz
            ZXJfbGVhcm5pbmdfcmF0ZSI6MC4xNSwid2luZG93Ijo0fSwic2VlZCI6NDIsInNlZW5fbGltaXQiOjQwOTZ99pxjkQktzmloAQAA
            AAAAAAcAAAAAAAAABwAAAAAAAAAaAAAAAAAAABoAAAAAAAAAAgAAAGk1AwAAAGkxNgMAAABpMTMCAAAAaTQDAAAAaTIxAgAAAGkx
            AwAAAGkyMgMAAABpMTQCAAAAaTMCAAAAaTYDAAAAaTExAwAAAGkyNwIAAABpNwMAAABpMTgDAAAAaTI4AwAAAGkyMwMAAABpMTAD
            AAAAaTE1AgAAAGk5AwAAAGkyNQMAAABpMTkDAAAAaTIwAwAAAGkxNwMAAABpMjYCAAAAaTIDAAAAaTEyBAAAAAAAAABAK2M31eVf
            t7obErfYaeI3BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAABYIIOhmP9DaYw6+zuzQtNru0zbhnG1E1ZOJdNMT1ZbVA/VM6HulDteBU0repDCY4AAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAADrabm5u61Xt3THqTdYqJ+3AAAAAAAAAAAAAAAAAAAAALT+wLh/X4e2wPqMNsU44rYAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAHCVeDquzwE1M2TOt1/MNzi8bbO6Dqa0t8imhjcJopC35CixuYJMgzYqNwy3nQZHNwAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAAAAAAAA1E384g54NuFWniThFTCK5FnSGuMPpGzkAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD/TpO50ts/Ofa4ETgAAAAAAAAAAAAAAADhH6Y4oF3AOQJHibkA
            AAAAAAAAAAAAAACuXRy4UGqbOCqwu7jiB8U42I6cuZWT9Tl/qZc4Z+aCOQfTl7kAAAAAAAAAAAAAAABiptK45tDwuGy1GjlOAAAA
            AAAAAMHHizsQIBO8xaiOPBossjsTGTK8SGeQvCH2PLzkDjA7FdSuvKjPBLy1eyc7GODru/S9ervzK8k6Lw2BulqGcTvqjOs6iCDf
            u0mIHrsEOsw7UvvEOxyyIzsOMX+7qhtkPFZLOjwkma07py4HvP56QTxckAa8/xOnO6I0hDxZ6B88yskzvA7DH7onoY87Jz4Wu8RU
            HTyq9Tg7DzoEPNwDd7w5L2m7jJ4fvEfdEzsJnoy6vXWLuvcz7bvsPJm8ycIDPK3DATvhl5I6LEuQO6v5IDtGTgA8u316vDa98DsB
            EoG8j8h3PANKW7zr0j88Er9CPPmgPDs4WF08kIRpPLyhmrzEhMy8pwHmu4v0lzrfXzW7GYyvuhN9lrwuf9o7sHF8uJLMTzxnO0+7
            avdBOqBA77uKArI7o2ESuxoAAAAAAAAA66/AvV40fT0iHY69Yo3su8N1Tz6wgj895yVavQQF/T14ve67T3pZPQB9Nb5k/DO+wPdr
            uiIr5byFQ2080mm0PXpOLj21FH29oGiVPGQ7Ab2mLsC9wiGSvYskczwyRlQ9LK0iPVDo6zwaAAAAAAAAAAAAwEEAAABBAACAQQAA
            kkIAACBBAACIQQAAwEAAAKBAAADwQQAAgEAAAIBBAAAQQQAAAEEAAEhCAABwQQAAoEAAAABBAABAQQAAAEEAAEBAAAAgQQAAQEAA
            ACBBAABAQAAAoEAAAABAGgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABoAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAaAAAAAAAAAAAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8A
            AIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/GgAAAAAAAAAAAIA/AACAPwAAgD8AAIA/
            AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACAPwAAgD8AAIA/AACA
            PwAAgD8AAIA/AACAPxoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAaAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAANAAAAAAAAAAJAAAAAAAAAAcAAAD/////DQAAAA8AAAAMAAAADAAAAAwAAAAPAAAABwAAAP////8LAAAA////
            /wkAAAD/////DwAAAP////8HAAAA/////w0AAAD/////BwAAAA8AAAABAAAADwAAAAwAAAD/////DAAAAP////8HAAAA/////wwA
            AAD/////BwAAAP////8JAAAA/////wEAAAD/////DwAAAP////8HAAAA/////wkAAAAHAAAACQAAAAcAAAAHAAAACwAAAAkAAAAH
            AAAAAACAPwAAAAAAAIA/AAAAAAAAgD8EAAAAAAAAAAAAgD8AAIA/AACAPwAAgD8EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAALy7u7u7u+A/aAEAAAAAAAAAAgAAAAAAABoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAAAAAAAAAAAAAAAAA
            AAAAAAAAAAAA
            """,
        table: """
            VFRTVwEAAAAJAAAACgAAAAIAAAAEAAAAJwAAAAAAAAACAAAAdTECAAAAdTACAAAAdTICAAAAdTMCAAAAdTQCAAAAdTUCAAAAdTYC
            AAAAdTcCAAAAdTgCAAAAdTkDAAAAdTEwAwAAAHUxMQMAAAB1MTIDAAAAdTEzAwAAAHUxNAMAAAB1MTUDAAAAdTE2AwAAAHUxNwMA
            AAB1MTgDAAAAdTE5AwAAAHUyMAMAAAB1MjEDAAAAdTIyAwAAAHUyMwMAAAB1MjQDAAAAdTI1AwAAAHUyNgMAAAB1MjcDAAAAdTI4
            AwAAAHUyOQMAAAB1MzADAAAAdTMxAwAAAHUzMgMAAAB1MzMDAAAAdTM0AwAAAHUzNQMAAAB1MzYDAAAAdTM3AwAAAHUzOAEAAAAA
            AAAAAAAAAAMAAAAAAAAAAQAAAAAAAAACAAAAAwAAAAAAAAADAAAABAAAAAUAAAATAAAAAAAAAAkAAAAGAAAABwAAABMAAAAUAAAA
            DAAAAAEAAAAIAAAAEAAAABYAAAAAAAAAFwAAAAoAAAALAAAABAAAAAMAAAACAAAAEQAAAA0AAAABAAAAAAAAAA0AAAABAAAAAAAA
            AA4AAAALAAAAAAAAAA8AAAAFAAAACgAAAAQAAAARAAAAEAAAABYAAAAUAAAADQAAAA4AAAADAAAAAQAAAAAAAAANAAAABgAAAAAA
            AAAKAAAAEQAAAAMAAAAFAAAADQAAABQAAAABAAAAAAAAABAAAAACAAAAAAAAAAAAAAABAAAACgAAAAAAAAAVAAAADwAAAAkAAAAX
            AAAADQAAAA4AAAASAAAABwAAAAAAAAAWAAAAAgAAAAAAAAAOAAAAEQAAAAEAAAAAAAAADAAAAAQAAAAAAAAADwAAAAIAAAAIAAAA
            CgAAAAcAAAAAAAAACwAAABcAAAAFAAAADgAAABEAAAADAAAADQAAAAQAAAAAAAAADQAAAAAAAAAJAAAAFQAAAAIAAAAAAAAABQAA
            AA4AAAACAAAAAAAAAAUAAAANAAAABAAAAAAAAAAFAAAADQAAAAAAAAADAAAACwAAAAAAAAAPAAAACAAAAAkAAAAYAAAAFgAAAAUA
            AAADAAAAEQAAAAAAAAASAAAAAgAAAAEAAAAAAAAAAwAAAAMAAAAAAAAAAQAAAA0AAAAIAAAAAgAAAAAAAAADAAAAAQAAAAIAAAAA
            AAAACAAAABkAAAACAAAAAAAAAAsAAAADAAAAAgAAAAAAAAABAAAADQAAAAMAAAAAAAAABwAAABYAAAAYAAAAAgAAAAAAAAAPAAAA
            FgAAAAEAAAAAAAAADQAAAAQAAAAAAAAAAwAAAA0AAAAQAAAAFgAAAAIAAAAAAAAAFgAAAAMAAAAFAAAAAAAAAAQAAAADAAAAAgAA
            AAgAAAATAAAAAQAAAAAAAAAZAAAABAAAAAAAAAAAAAAABwAAAA0AAAASAAAAAgAAAAAAAAAFAAAADQAAAAEAAAAAAAAAAAAAAAMA
            AAAAAAAAAwAAAAwAAAAKAAAADAAAAAAAAAAEAAAAEQAAAAwAAAALAAAAEgAAAA0AAAAIAAAABgAAAAMAAAACAAAAAAAAAAoAAABf
            AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/AAAAAAAAAAAAAAAAAAAAAEPHN73slI+6OpijOtPICDoAAAAAAACAPgAAgD8AAAAA
            AAAAALoUXL0MyIo6sh6QubwEiToAAAAAAABAPwAAAD8AAAAAAAAAAFcFuz1Rt9U5kb6Hu71qFzwAAAA/AABAPwAAAD8AAIA/ExEf
            v3gOO710gHE6ZallORIQHDoAAIA+AABAPwAAAAAAAAAAT92AvWTsYL0mwyq5JtWROLEHtzgAAIA+AAAAAAAAAAAAAAAAAAAAAKcs
            bzzmv3678umUu3NzODsAAAA/AABAPwAAQD8AAIA+ID4fvhb/ib2LIq868vqwOcusYToAAIA+AAAAAAAAAAAAAAAA91IhOgbfmj37
            +hg6LIf5uWK1mbkAAAA/AAAAAAAAQD8AAAAAerqYPZxVm71mHFq55bvOuFNe8bkAAIA+AAAAAAAAAAAAAAAAPNEBvf4bFb76+zy6
            Ww/UOnbLsrsAAAAAAABAPwAAAAAAAAAAJvC7vXBWkb3rgrm74DtBO8eirLsAAIA+AAAAPwAAgD4AAIA+RQKuvj0uZr0swyK5uoNv
            OizCoroAAIA+AABAPwAAAD8AAAAAke+uvVoE5736+bu6tarwudzUm7oAAAAAAAAAAAAAAAAAAAAApIFfPc5SEb5hbG07egmJO6Mm
            XroAAIA+AACAPgAAAD8AAIA/BMQzv2m7dbyQZ6k6va+hukgq0zkAAEA/AAAAAAAAgD4AAEA/9adBvWl41LwWhi87PjUHORoykjsA
            AIA+AACAPwAAgD4AAAAAsts7vt0EJL4zOlS6C2guujCy+DoAAAAAAABAPwAAAAAAAAAAfI4lvurAvT1YZJe5mNHnNjb2eboAAEA/
            AABAPwAAAAAAAAAAcN1avJKWbr1EIPa7HWuFuohjYbsAAIA+AABAPwAAQD8AAAAA30LBvXQPybyDT4s7cUBmO+ZturoAAIA/AACA
            PgAAgD4AAAA/7Q2xvfu0ZT3ZvB+69KYcOSBv/7kAAEA/AAAAAAAAAAAAAAAAbY24Ovp6Hr2cU0E7Asoiut68BLoAAEA/AAAAAAAA
            AD8AAAAAeKsWvQhh7jxVzJi66XRZOr3C0zkAAEA/AACAPgAAAAAAAAAAr6EFvbgvHT3EW7c6HqZmOWXIILoAAEA/AACAPgAAAAAA
            AAAABcV1PLDVBz5SquS67SeUOYxtrroAAIA+AACAPwAAgD4AAAA/X+qePbkN4j37iAk7AJgHuwu2UrsAAIA/AACAPgAAAAAAAAAA
            OrKWO/yms71/O3A6HMW6OQjHu7oAAEA/AACAPgAAAAAAAIA+GzW9vjsuwz3OLNS68lxmu7eO3joAAIA/AACAPgAAAAAAAAAArGof
            vWtAFr4rVD47/oI+OhYC8joAAEA/AAAAAAAAAAAAAAA/MKcTu1/F1ryw/R87U6WnuZiCNTsAAAA/AAAAAAAAAD8AAIA+6XuQvDP1
            mz1DO6G6bNHYOVCBbboAAEA/AAAAPwAAQD8AAAAAlistvMgPQj2FITM7yHjrN5M3DDsAAIA+AAAAPwAAAAAAAIA/D4KuvVjv/T1/
            KKa6Wq11Or4twLkAAIA/AAAAAAAAAAAAAAAARM8IvshIgrzQ0tM56sA0OoA+iDkAAIA+AACAPwAAgD4AAAA/+rsHPgDQFT4TuYU6
            Xgj/OY6eo7oAAIA/AAAAPwAAAAAAAAAASc0RPbHySD0ey4o5kgMXuuEUlzoAAEA/AAAAAAAAAAAAAAAAVJPGPMWYvz0QD8U6pGa1
            ObisnzoAAAA/AACAPwAAAD8AAAAA06QUvgsFvj2O3dw5/JZxugomUDsAAAA/AABAPwAAgD4AAIA/1NDDvoYBAAAAAAAAAQAAAAEA
            AAABAAAAAAAAAAYAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAADAAAAAQAAAAAAAAAIAAAADAAAAAEAAAAAAAAAAgAAAAAAAAAD
            AAAAAwAAAAEAAAAAAAAACwAAAAwAAAADAAAABAAAAAUAAAAAAAAAfwAAAAMAAAABAAAAAAAAAAsAAAADAAAAAgAAABEAAAANAAAA
            AwAAAAIAAAACAAAAAQAAAAAAAAANAAAADAAAAA0AAAANAAAAAAAAAAAAAAABAAAAAQAAAAEAAAAAAAAAAgAAAAwAAAAOAAAAAAAA
            AAAAAAAAAAAAKwAAAAMAAAABAAAAAAAAAA0AAAAMAAAADgAAAAMAAAADAAAADQAAAAEAAAABAAAAAQAAAAAAAAANAAAAAQAAAA0A
            AAAAAAAAAAAAAAAAAAASAAAAAgAAAAEAAAAAAAAADQAAAAEAAAANAAAAFAAAAAUAAAANAAAAAQAAAAEAAAABAAAAAAAAAA0AAAAD
            AAAAEAAAAAAAAAAAAAAAAAAAAAIAAAACAAAAAQAAAAAAAAAIAAAADAAAAAAAAAABAAAAAAAAAAAAAAARAAAAAQAAAAEAAAAAAAAA
            BgAAAAwAAAAWAAAABwAAAAAAAAAWAAAAAwAAAAMAAAABAAAAAAAAAA0AAAAMAAAADgAAABEAAAARAAAAAAAAAAEAAAABAAAAAQAA
            AAAAAAADAAAAAwAAAAwAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAEAAAAAAAAADQAAAAMAAAAPAAAAAgAAAAgAAAAKAAAAEAAAAAAA
            AAABAAAAAAAAAA0AAAADAAAADQAAABEAAAADAAAADQAAAAQAAAAAAAAAAQAAAAAAAAAGAAAAAQAAAA0AAAAAAAAACQAAABUAAAAC
            AAAAAgAAAAEAAAAAAAAACwAAAAwAAAAFAAAADgAAAAAAAAAAAAAAAgAAAAIAAAABAAAAAAAAAAMAAAADAAAABQAAAA0AAAAAAAAA
            AAAAAAoAAAACAAAAAQAAAAAAAAAGAAAADAAAAAAAAAADAAAADQAAAAAAAAAOAAAAAgAAAAEAAAAAAAAABgAAAAwAAAASAAAAAgAA
            AAAAAAASAAAAAQAAAAEAAAABAAAAAAAAAAsAAAABAAAAAwAAAAAAAAAAAAAAAAAAAAMAAAADAAAAAQAAAAAAAAANAAAAAQAAAAEA
            AAANAAAACAAAAAAAAAACAAAAAgAAAAEAAAAAAAAACwAAAAwAAAADAAAAAQAAAAAAAAAAAAAAAgAAAAIAAAABAAAAAAAAAAsAAAAD
            AAAACAAAABkAAAAAAAAAAAAAAAUAAAABAAAAAQAAAAAAAAALAAAAAQAAAAMAAAADAAAACwAAAAMAAAACAAAAAgAAAAEAAAAAAAAA
            CwAAAAwAAAABAAAADQAAAAAAAAAAAAAABAAAAAAAAAABAAAAAAAAAAIAAAADAAAAGAAAAAcAAAAWAAAAGAAAAAIAAAACAAAAAQAA
            AAAAAAAGAAAAAwAAAA8AAAAWAAAAAAAAAAAAAAAFAAAAAQAAAAEAAAAAAAAADQAAAAEAAAANAAAADQAAAA0AAAANAAAABQAAAAEA
            AAABAAAAAAAAAAYAAAAMAAAAFgAAAAMAAAANAAAAEAAAAAQAAAAAAAAAAQAAAAAAAAAIAAAAAwAAAAMAAAAWAAAAAwAAAAMAAAAL
            AAAAAwAAAAEAAAAAAAAACwAAAAMAAAACAAAACAAAABMAAAADAAAAAQAAAAEAAAABAAAAAAAAAAYAAAADAAAAGQAAAAAAAAAAAAAA
            AAAAAAQAAAAAAAAAAQAAAAAAAAALAAAADAAAAAAAAAAHAAAADQAAABIAAAACAAAAAgAAAAEAAAAAAAAADQAAAAEAAAAFAAAADQAA
            AAAAAAAAAAAAAgAAAAIAAAABAAAAAAAAAAYAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAADAAAAAQAAAAAAAAALAAAAAwAAAAMA
            AAAMAAAACgAAAAAAAAAbAAAAAwAAAAEAAAABAAAACwAAAAMAAAACAAAAAAAAAAoAAAADAAAAAAAAAAAAAAABAAAAAAAAAAMAAAB1
            MzgmAAAACgAAAFYChz5SoZ48ohjRusoHxTwLAAAAAwAAAAAAAAAAAAAA
            """,
        probeItems: ["i5", "i21", "i5", "unknown-item"],
        topBefore: [
            (
                "u38",
                [
                    ("i14", 0x3f31_29ad), ("i23", 0x3f2b_8e55), ("i16", 0x3f27_6179), ("i6", 0x3f26_0536),
                    ("i26", 0x3f25_cef6),
                ]
            ),
            (
                "u3",
                [
                    ("i23", 0x3f25_d243), ("i1", 0x3f21_c238), ("i2", 0x3f21_19ac), ("i12", 0x3f20_05f8),
                    ("i9", 0x3f1f_107f),
                ]
            ),
            (
                "nobody",
                [
                    ("i21", 0x3f39_bc32), ("i14", 0x3f25_7f68), ("i23", 0x3f1c_6c03), ("i16", 0x3f15_b1ff),
                    ("i6", 0x3f13_7667),
                ]
            ),
        ],
        scoresBefore: [0x3f0e_c2f7, 0x3f3d_a59e, 0x3f0e_c2f7, nil],
        events: [
            InteractionEvent(
                user: "u38", item: "i22", kind: "rating", value: 4.0, timestamp: 1_704_067_206_944,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Fantasy"]]),
            InteractionEvent(
                user: "u38", item: "i28", kind: "rating", value: 1.0, timestamp: 1_704_067_206_947,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary"]]),
            InteractionEvent(
                user: "u38", item: "i19", kind: "rating", value: 3.0, timestamp: 1_704_067_206_958,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "rating", value: 4.0, timestamp: 1_704_067_206_985,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i1", kind: "rating", value: 1.0, timestamp: 1_704_067_206_989,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "rating", value: 3.0, timestamp: 1_704_067_206_991,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "rating", value: 4.0, timestamp: 1_704_067_207_002,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i19", kind: "rating", value: 3.0, timestamp: 1_704_067_207_034,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "rating", value: 4.0, timestamp: 1_704_067_207_096,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i29", kind: "rating", value: 2.0, timestamp: 1_704_067_207_126,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 4.0, timestamp: 1_704_067_207_131,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i21", kind: "rating", value: 1.0, timestamp: 1_704_067_207_205,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Romance", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i23", kind: "rating", value: 3.0, timestamp: 1_704_067_207_206,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Crime"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "rating", value: 4.0, timestamp: 1_704_067_207_217,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 1.0, timestamp: 1_704_067_207_222,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "rating", value: 3.0, timestamp: 1_704_067_207_259,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "rating", value: 5.0, timestamp: 1_704_067_207_269,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i18", kind: "rating", value: 3.0, timestamp: 1_704_067_207_301,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary"]]),
            InteractionEvent(
                user: "u39", item: "i4", kind: "rating", value: 4.0, timestamp: 1_704_067_207_316,
                userFeatures: ["age": ["56+"], "device": ["ios"], "occupation": ["retired"], "region": ["mountain"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i25", kind: "rating", value: 2.0, timestamp: 1_704_067_207_328,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Adventure"]]),
            InteractionEvent(
                user: "u38", item: "i22", kind: "rating", value: 4.0, timestamp: 1_704_067_207_331,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Fantasy"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 5.0, timestamp: 1_704_067_207_396,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i17", kind: "rating", value: 3.0, timestamp: 1_704_067_207_407,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i29", kind: "rating", value: 4.0, timestamp: 1_704_067_207_421,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "rating", value: 1.0, timestamp: 1_704_067_207_432,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "rating", value: 4.0, timestamp: 1_704_067_207_483,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "rating", value: 1.0, timestamp: 1_704_067_207_498,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 2.0, timestamp: 1_704_067_207_503,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 4.0, timestamp: 1_704_067_207_517,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 1.0, timestamp: 1_704_067_207_522,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "rating", value: 4.0, timestamp: 1_704_067_207_537,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "rating", value: 1.0, timestamp: 1_704_067_207_575,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i15", kind: "rating", value: 3.0, timestamp: 1_704_067_207_591,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War"]]),
            InteractionEvent(
                user: "u38", item: "i19", kind: "rating", value: 5.0, timestamp: 1_704_067_207_597,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "rating", value: 1.0, timestamp: 1_704_067_207_600,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "rating", value: 3.0, timestamp: 1_704_067_207_699,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "rating", value: 1.0, timestamp: 1_704_067_207_710,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 2.0, timestamp: 1_704_067_207_762,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i15", kind: "rating", value: 5.0, timestamp: 1_704_067_207_767,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 1.0, timestamp: 1_704_067_207_795,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i25", kind: "rating", value: 4.0, timestamp: 1_704_067_207_803,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Adventure"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "rating", value: 5.0, timestamp: 1_704_067_207_805,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i29", kind: "rating", value: 3.0, timestamp: 1_704_067_207_814,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i5", kind: "rating", value: 4.0, timestamp: 1_704_067_207_825,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Action", "Comedy"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "rating", value: 1.0, timestamp: 1_704_067_207_830,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "rating", value: 5.0, timestamp: 1_704_067_207_831,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i11", kind: "rating", value: 1.0, timestamp: 1_704_067_207_844,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller"]]),
            InteractionEvent(
                user: "u38", item: "i27", kind: "rating", value: 4.0, timestamp: 1_704_067_207_858,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i0", kind: "rating", value: 4.0, timestamp: 1_704_067_207_866,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Comedy", "Crime"]]),
            InteractionEvent(
                user: "u38", item: "i27", kind: "rating", value: 2.0, timestamp: 1_704_067_207_889,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["War", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "rating", value: 4.0, timestamp: 1_704_067_207_905,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "rating", value: 1.0, timestamp: 1_704_067_207_939,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i28", kind: "rating", value: 3.0, timestamp: 1_704_067_207_946,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "rating", value: 5.0, timestamp: 1_704_067_207_947,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "rating", value: 1.0, timestamp: 1_704_067_207_955,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i24", kind: "rating", value: 4.0, timestamp: 1_704_067_207_963,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i13", kind: "rating", value: 4.0, timestamp: 1_704_067_207_993,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Thriller", "Western"]]),
            InteractionEvent(
                user: "u38", item: "i3", kind: "rating", value: 2.0, timestamp: 1_704_067_207_998,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Western"]]),
            InteractionEvent(
                user: "u38", item: "i8", kind: "rating", value: 2.0, timestamp: 1_704_067_208_004,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Crime"]]),
            InteractionEvent(
                user: "u38", item: "i4", kind: "rating", value: 1.0, timestamp: 1_704_067_208_005,
                userFeatures: ["age": ["18-24"], "device": ["ios"], "occupation": ["artist"], "region": ["north"]],
                itemFeatures: ["genre": ["Documentary", "Romance", "Thriller"]]),
        ],
        ranks: [],
        predictions: [
            0x400a_a67a_0000_0000, 0x400c_071a_c000_0000, 0x4009_5978_8000_0000, 0x400a_490e_8000_0000,
            0x400b_2681_8000_0000,
            0x4009_0804_6000_0000, 0x4008_bed8_e000_0000, 0x4006_e003_e000_0000, 0x4008_3f3b_2000_0000,
            0x4008_f12e_a000_0000,
            0x4009_2590_6000_0000, 0x400d_4cfe_0000_0000, 0x4009_fe24_2000_0000, 0x4008_1087_c000_0000,
            0x4008_5a9a_a000_0000,
            0x4006_ece1_4000_0000, 0x4006_c3bf_5000_0000, 0x4006_e1b0_a000_0000, 0x4008_b5ff_2000_0000,
            0x4006_f559_9000_0000,
            0x4007_20a1_9000_0000, 0x4008_303d_2000_0000, 0x4009_221d_6000_0000, 0x4008_bde7_0000_0000,
            0x400a_4d93_6000_0000,
            0x4009_218f_2000_0000, 0x4009_eb89_8000_0000, 0x4009_8749_4000_0000, 0x4008_169e_8000_0000,
            0x4008_178a_6000_0000,
            0x4005_ebed_8000_0000, 0x4005_d837_b000_0000, 0x4005_7165_a000_0000, 0x4004_752d_9000_0000,
            0x4006_adde_d000_0000,
            0x4006_4ea8_7000_0000, 0x4005_9369_d000_0000, 0x4006_2ab9_9000_0000, 0x4004_51e6_d000_0000,
            0x4005_320f_3000_0000,
            0x4004_616c_f000_0000, 0x4005_0cd4_2000_0000, 0x4006_69aa_c000_0000, 0x4005_db47_6000_0000,
            0x4008_5cf1_e000_0000,
            0x4008_7c37_e000_0000, 0x4006_8830_f000_0000, 0x4005_9b99_4000_0000, 0x4007_ee1a_2000_0000,
            0x4006_c5b5_2000_0000,
            0x4009_1aeb_4000_0000, 0x4009_f4b1_e000_0000, 0x4008_feb4_e000_0000, 0x4007_33c0_8000_0000,
            0x4008_d576_6000_0000,
            0x4008_130a_8000_0000, 0x4007_7849_b000_0000, 0x4008_eadb_a000_0000, 0x4008_ad9d_a000_0000,
            0x4008_a10d_0000_0000,
        ],
        served: [],
        topAfter: [
            (
                "u38",
                [
                    ("i14", 0x3f0d_3d26), ("i16", 0x3f05_b15c), ("i6", 0x3f04_abdf), ("i26", 0x3f04_8b41),
                    ("i10", 0x3f03_6817),
                ]
            ),
            (
                "u3",
                [
                    ("i23", 0x3f23_c47c), ("i2", 0x3f1f_5907), ("i12", 0x3f1e_454e), ("i1", 0x3f1d_eeb4),
                    ("i9", 0x3f1d_4fe2),
                ]
            ),
            (
                "nobody",
                [
                    ("i21", 0x3f2f_bcdb), ("i14", 0x3f23_cfcc), ("i23", 0x3f19_f0e4), ("i16", 0x3f14_025b),
                    ("i6", 0x3f11_c6c9),
                ]
            ),
        ],
        metaUpdates: 8)

}
